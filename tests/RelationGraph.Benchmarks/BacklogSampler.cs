using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Samples the stream backlog (<c>stream_events</c> rows on every shard) every 100 ms until stopped; keeps the deepest. Each
/// sample counts every shard's queue table, work charged to the measured service round: every 20 ms it was about a twentieth
/// of the PostgreSQL time per follow in <c>write</c>.
/// </summary>
internal sealed class BacklogSampler
{
    private readonly Task _sampling;
    private volatile bool _stopped;
    private long _peak;

    private BacklogSampler(ShardSet shards) =>
        _sampling = Task.Run(async () =>
        {
            while (!_stopped)
            {
                _peak = Math.Max(_peak, await ServiceShards.CountStreamBacklogAsync(shards, CancellationToken.None));
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);

    public static BacklogSampler Start(ShardSet shards) => new(shards);

    /// <summary>Stops sampling; the deepest backlog seen.</summary>
    public async Task<long> StopAsync()
    {
        _stopped = true;
        await _sampling;
        return _peak;
    }
}
