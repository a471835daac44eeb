namespace RelationGraph.Benchmarks;

/// <summary>
/// User ids drawn with the same Zipf law over rank as <c>EdgeListGenerator</c> gives fans (user 1 the most followed),
/// so reads concentrate on the users that have the most fans, as they would in a real network.
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cumulative;

    public ZipfSampler(int users, double skew)
    {
        _cumulative = new double[users];
        var sum = 0.0;
        for (var rank = 1; rank <= users; rank++)
        {
            sum += 1.0 / Math.Pow(rank, skew);
            _cumulative[rank - 1] = sum;
        }
    }

    public long Next(Random random)
    {
        var index = Array.BinarySearch(_cumulative, random.NextDouble() * _cumulative[^1]);
        return Math.Min((index < 0 ? ~index : index) + 1, _cumulative.Length);
    }
}
