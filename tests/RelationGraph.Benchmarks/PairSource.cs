namespace RelationGraph.Benchmarks;

/// <summary>Random follower/followee pairs among users 1..N, never the same pair twice, so every follow is a new edge on both sides.</summary>
internal sealed class PairSource(long users)
{
    private readonly HashSet<(long, long)> _used = [];
    private readonly Random _random = new();
    private readonly Lock _lock = new();

    public (long Follower, long Followee) Next()
    {
        lock (_lock)
        {
            while (true)
            {
                var pair = (_random.NextInt64(1, users + 1), _random.NextInt64(1, users + 1));
                if (pair.Item1 != pair.Item2 && _used.Add(pair))
                {
                    return pair;
                }
            }
        }
    }
}
