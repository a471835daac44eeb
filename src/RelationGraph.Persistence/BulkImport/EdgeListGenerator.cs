namespace RelationGraph.Persistence.BulkImport;

/// <summary>
/// A reproducible power-law follow graph: followers are uniform over the users, followees follow a Zipf law over user
/// rank (user 1 is the most followed), so a few users get a large share of the fans, as in real networks.
/// Same arguments, same edges. Self-follows are skipped; repeated pairs may occur (an import keeps one).
/// </summary>
public sealed class EdgeListGenerator
{
    private readonly double[] _cumulative;
    private readonly int _users;
    private readonly long _edges;
    private readonly int _seed;
    private readonly long _startUnixMilliseconds;

    /// <summary>Prepares a graph of <paramref name="users"/> users and <paramref name="edges"/> edges with Zipf exponent <paramref name="skew"/>.</summary>
    public EdgeListGenerator(int users, long edges, double skew, int seed = 1, long startUnixMilliseconds = 1_700_000_000_000)
    {
        if (users < 2 || edges < 1 || skew <= 0)
        {
            throw new ArgumentException("Need at least 2 users, at least 1 edge and a positive skew.");
        }

        (_users, _edges, _seed, _startUnixMilliseconds) = (users, edges, seed, startUnixMilliseconds);
        _cumulative = new double[users];
        var sum = 0.0;
        for (var rank = 1; rank <= users; rank++)
        {
            sum += 1.0 / Math.Pow(rank, skew);
            _cumulative[rank - 1] = sum;
        }
    }

    /// <summary>Parses a skew written <c>zipf:1.1</c>.</summary>
    public static double ParseSkew(string text) =>
        text.StartsWith("zipf:", StringComparison.Ordinal) && double.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? s
            : throw new ArgumentException($"'{text}' is not a skew; write zipf:EXPONENT, for example zipf:1.1.");

    /// <summary>The edges, one millisecond apart.</summary>
    public IEnumerable<EdgeListLine> Generate()
    {
        var random = new Random(_seed);
        var total = _cumulative[^1];
        for (long i = 0; i < _edges;)
        {
            var follower = random.Next(1, _users + 1);
            var index = Array.BinarySearch(_cumulative, random.NextDouble() * total);
            var followee = (index < 0 ? ~index : index) + 1;
            if (follower != followee)
            {
                yield return new EdgeListLine(follower, Math.Min(followee, _users), _startUnixMilliseconds + i);
                i++;
            }
        }
    }
}
