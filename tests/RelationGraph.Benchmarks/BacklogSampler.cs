using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>Samples the stream backlog (<c>stream_events</c> rows on every shard) every 20 ms until stopped; keeps the deepest.</summary>
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
                await Task.Delay(20, CancellationToken.None);
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
