using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// The real-time check of one shard. It follows the shard's change log, the rows the edge writes commit themselves (so
/// it adds no second write path that could be lost, whatever the redundancy mode), picks every change of a followee over
/// the fan threshold and a sample of the rest, and after the delay reads both copies again and repairs what still differs.
/// A change whose replication is merely in flight is then repaired with the very event the replication carries, which
/// last-writer-wins makes harmless; the incremental scan covers whatever was not sampled.
/// </summary>
public sealed partial class RealtimeAuditGrain(AuditChecker checker, AuditMetrics metrics, IOptions<AuditOptions> options, TimeProvider time, ILogger<RealtimeAuditGrain> logger)
    : Grain, IRealtimeAuditGrain, IRemindable
{
    private const string KeepRunningReminder = "audit-realtime";
    private readonly Queue<(EdgePair Pair, DateTimeOffset Due)> _waiting = new();
    private IGrainTimer? _timer;
    private long _cursor = -1;
    private RealtimeAuditTotals _totals = RealtimeAuditTotals.None;
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    private Persistence.Sharding.Shard Shard => checker.Store.Shards.All[(int)this.GetPrimaryKeyLong()];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RealtimeEnabled)
        {
            _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.Value.RealtimePollInterval) { KeepAlive = true });
        }

        return Task.CompletedTask;
    }

    public async Task EnsureRunningAsync()
    {
        if (options.Value.RealtimeEnabled && await this.GetReminder(KeepRunningReminder) is null)
        {
            await this.RegisterOrUpdateReminder(KeepRunningReminder, options.Value.ResumePeriod, options.Value.ResumePeriod);
        }
    }

    public Task<RealtimeAuditTotals> GetTotalsAsync() => Task.FromResult(_totals);

    // The reminder only brings the checker back (activating it starts its timer) after its silo died.
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stable = await AuditStore.StablePositionAsync(Shard, cancellationToken);
            if (_cursor < 0)
            {
                _cursor = stable;
            }

            await ReadNewChangesAsync(stable, cancellationToken);
            await CheckDueAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogTickFailed(logger, exception, this.GetPrimaryKeyLong());
        }
    }

    private async Task ReadNewChangesAsync(long stable, CancellationToken cancellationToken)
    {
        var room = options.Value.RealtimeMaxPending - _waiting.Count;
        if (room <= 0)
        {
            return;
        }

        var changes = await AuditStore.ReadChangesAsync(Shard, _cursor, stable, _cursor, 0, room, followingOnly: true, cancellationToken);
        _cursor = changes.Length < room ? stable : changes[^1].Xid;
        if (changes.Length == 0)
        {
            return;
        }

        var hot = await checker.Store.WithFansAtLeastAsync(changes.Select(c => c.Pair.Followee), options.Value.RealtimeFanThreshold, cancellationToken);
        foreach (var change in changes)
        {
            if (hot.Contains(change.Pair.Followee) || Sampled(change))
            {
                _waiting.Enqueue((change.Pair, change.ChangedAt + options.Value.RealtimeDelay));
            }
        }
    }

    private async Task CheckDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = new List<EdgePair>();
        while (_waiting.TryPeek(out var next) && next.Due <= now)
        {
            due.Add(_waiting.Dequeue().Pair);
        }

        if (due.Count == 0)
        {
            return;
        }

        var (found, repairs) = await checker.ConfirmAsync(due, cancellationToken);
        var repaired = await checker.RepairAsync(new PendingRepairs { Fans = repairs }, cancellationToken);
        _totals = _totals.Add(new RealtimeAuditTotals(due.Count, found, repaired));
        metrics.Record("realtime", due.Count, found, repaired);
        if (found.Total > 0 && (double)_totals.Found.Total / _totals.Checked > options.Value.WarningRate && now - _lastWarning > TimeSpan.FromMinutes(1))
        {
            _lastWarning = now;
            LogInconsistent(logger, this.GetPrimaryKeyLong(), (double)_totals.Found.Total / _totals.Checked, options.Value.WarningRate, _totals.Found);
        }
    }

    /// <summary>A deterministic sample: the same change is picked on every silo, so a checker that moves keeps its choice.</summary>
    private bool Sampled(EdgeChange change)
    {
        var rate = options.Value.RealtimeSampleRate;
        if (rate >= 1)
        {
            return true;
        }

        const int buckets = 1 << 20;
        var key = unchecked(change.Pair.Follower ^ (change.Pair.Followee * unchecked((long)0x9E3779B97F4A7C15UL)) ^ (change.Xid * 0x632BE59BD9B4E019L));
        return Persistence.Sharding.VirtualShardHash.Of(key, buckets) < rate * buckets;
    }

    [LoggerMessage(1, LogLevel.Warning, "Real-time audit of shard {Shard}: a check failed; it retries on the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, long shard);

    [LoggerMessage(2, LogLevel.Warning, "Real-time audit of shard {Shard}: inconsistency rate {Rate:P4}, above the {Threshold:P4} threshold: {Found}")]
    private static partial void LogInconsistent(ILogger logger, long shard, double rate, double threshold, AuditCounts found);
}
