namespace RelationGraph.Benchmarks;

/// <summary>
/// Random follower/followee pairs, never the same pair twice, so every follow is a new edge on both sides: followers
/// among users 1..<paramref name="users"/>, followees among 1..<paramref name="followees"/> (all users by default; fewer
/// make a hot set that each receives many follows, as popular accounts do).
/// </summary>
internal sealed class PairSource(long users, long? followees = null)
{
    private readonly long _followees = Math.Min(followees ?? users, users);
    private readonly HashSet<(long, long)> _used = [];
    private readonly Random _random = new();
    private readonly Lock _lock = new();

    public (long Follower, long Followee) Next()
    {
        lock (_lock)
        {
            while (true)
            {
                var pair = (_random.NextInt64(1, users + 1), _random.NextInt64(1, _followees + 1));
                if (pair.Item1 != pair.Item2 && _used.Add(pair))
                {
                    return pair;
                }
            }
        }
    }
}
