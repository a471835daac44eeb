namespace RelationGraph.Benchmarks;

/// <summary>Latencies of one side of a comparison, gathered over its rounds (or single calls) and summarized per lane.</summary>
internal sealed class LatencyStats
{
    private readonly Dictionary<int, List<double>> _lanes = [];

    /// <summary>Wall-clock time of the rounds added, the denominator of throughput.</summary>
    public TimeSpan Elapsed { get; private set; }

    public long Count => _lanes.Values.Sum(l => (long)l.Count);

    /// <summary>Calls per second over all lanes.</summary>
    public double PerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : double.NaN;

    public void Add(RoundSamples round)
    {
        Elapsed += round.Elapsed;
        foreach (var (lane, milliseconds) in round.Samples)
        {
            Record(lane, milliseconds);
        }
    }

    public void Record(int lane, double milliseconds)
    {
        if (!_lanes.TryGetValue(lane, out var samples))
        {
            _lanes[lane] = samples = [];
        }

        samples.Add(milliseconds);
    }

    public LatencySummary Summarize(int lane)
    {
        var sorted = _lanes.TryGetValue(lane, out var samples) ? samples.Order().ToList() : [];
        return new LatencySummary(
            sorted.Count,
            Elapsed > TimeSpan.Zero ? sorted.Count / Elapsed.TotalSeconds : double.NaN,
            Percentiles.Of(sorted, 0.50),
            Percentiles.Of(sorted, 0.99),
            sorted.Count == 0 ? double.NaN : sorted.Average());
    }
}

/// <summary>Calls, their rate (NaN without a wall-clock time) and latency in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double PerSecond, double P50, double P99, double Average);
