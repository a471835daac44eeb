using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Samples the stream backlog (<c>stream_events</c> rows on every shard) on a 100 ms timer until stopped; keeps the deepest.
/// Each sample counts every shard's queue table, work charged to the measured service round: every 20 ms it was about a
/// twentieth of the PostgreSQL time per follow in <c>write</c>.
/// </summary>
internal sealed class BacklogSampler : IDisposable
{
    private readonly PeriodicTimer _period = new(TimeSpan.FromMilliseconds(100));
    private readonly Task<long> _sampling;

    private BacklogSampler(ShardSet shards) => _sampling = SampleAsync(shards);

    public static BacklogSampler Start(ShardSet shards) => new(shards);

    /// <summary>Stops sampling; the deepest backlog seen.</summary>
    public Task<long> StopAsync()
    {
        Dispose();
        return _sampling;
    }

    /// <summary>Stops the timer: the sampling ends after the sample in progress.</summary>
    public void Dispose() => _period.Dispose();

    private async Task<long> SampleAsync(ShardSet shards)
    {
        var peak = await ServiceShards.CountStreamBacklogAsync(shards, CancellationToken.None);
        while (await _period.WaitForNextTickAsync())
        {
            peak = Math.Max(peak, await ServiceShards.CountStreamBacklogAsync(shards, CancellationToken.None));
        }

        return peak;
    }
}
