using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// One segment of a full scan: merges <c>following</c> with <c>fans</c> for the segment's followers across every shard, in
/// key order and at the configured pace, confirms and repairs what differs, purges old tombstones, then checks the
/// segment's owners' counts. Each step is a slice of <see cref="AuditOptions.SliceDuration"/>.
/// </summary>
public sealed class FullScanGrain(
    [PersistentState("audit-full-scan", AuditOptions.GrainStorageName)] IPersistentState<FullScanState> state,
    AuditChecker checker,
    AuditMetrics metrics,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<FullScanGrain> logger)
    : AuditPartGrain<FullScanState>(state, checker, metrics, logger, "full"), IFullScanGrain
{
    private const int Done = 2;
    private FullScanMerge? _merge;
    private long _pacedScanned;
    private DateTimeOffset _pacedSince;

    protected override bool Finished => State.Phase == Done;

    protected override long Purged => State.Purged;

    protected override Task BeginAsync(string runId, int part, long first, long last)
    {
        State = new FullScanState { RunId = runId, Part = part, First = first, Last = last, AfterFollower = first - 1, AfterFollowee = long.MaxValue, CountAfter = first - 1, StartedAt = time.GetUtcNow() };
        return Task.CompletedTask;
    }

    protected override void OnResuming()
    {
        _pacedSince = time.GetUtcNow();
        _pacedScanned = 0;
    }

    protected override void OnStepFailed() => _merge = null;

    protected override async Task StepAsync(CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + options.Value.SliceDuration;
        while (State.Phase != Done && time.GetUtcNow() < until && !cancellationToken.IsCancellationRequested)
        {
            if (State.Phase == 0)
            {
                await MergeStepAsync(cancellationToken);
            }
            else
            {
                await CountStepAsync(cancellationToken);
            }
        }
    }

    private async Task MergeStepAsync(CancellationToken cancellationToken)
    {
        var s = State;
        _merge ??= new FullScanMerge(Checker.Store, new EdgePair(s.AfterFollower, s.AfterFollowee), s.Last, options.Value.PageSize, time.GetUtcNow() - options.Value.TombstoneHorizon);
        var step = await PaceAsync(cancellationToken);
        var slice = await _merge.NextAsync(step, cancellationToken);
        var (found, repairs) = await Checker.ConfirmAsync(slice.Candidates, cancellationToken);
        var purged = await Checker.Store.PurgeAsync(slice.Tombstones, time.GetUtcNow() - options.Value.TombstoneHorizon, cancellationToken);
        s.Scanned += slice.Scanned;
        s.Purged += purged;
        s.AfterFollower = slice.Last.Follower;
        s.AfterFollowee = slice.Last.Followee;
        _pacedScanned += slice.Scanned;
        RecordScan(slice.Scanned, found);
        if (slice.Finished)
        {
            _merge = null;
            s.Phase = 1;
        }

        await RecordAndRepairAsync(found, new PendingRepairs { Fans = repairs }, cancellationToken);
    }

    private async Task CountStepAsync(CancellationToken cancellationToken)
    {
        var s = State;
        var shards = Checker.Store.Shards.All;
        var (drifts, upTo) = await AuditStore.FindCountDriftAsync(shards[s.CountShard], (EdgeDirection)s.CountDirection, s.CountAfter, s.Last, options.Value.PageSize, cancellationToken);
        s.CountAfter = upTo;
        if (upTo >= s.Last)
        {
            s.CountAfter = s.First - 1;
            (s.CountShard, s.CountDirection) = s.CountDirection == 1 ? (s.CountShard, (short)2) : (s.CountShard + 1, (short)1);
            if (s.CountShard >= shards.Count)
            {
                s.Phase = Done;
            }
        }

        var found = new AuditCounts(0, 0, 0, drifts.Count);
        RecordScan(0, found);
        await RecordAndRepairAsync(found, new PendingRepairs { Counts = [.. drifts.Select(d => (d.Owner, (short)d.Direction))] }, cancellationToken);
    }

    /// <summary>Waits until this segment's share of the cluster's pace allows another step, and returns the step's size.</summary>
    private async Task<int> PaceAsync(CancellationToken cancellationToken)
    {
        var rate = options.Value.FullScanEdgesPerSecond / Math.Max(1, options.Value.Segments > 0 ? options.Value.Segments : Checker.Store.Shards.All.Count);
        if (rate <= 0)
        {
            return options.Value.PageSize;
        }

        var step = (int)Math.Clamp(rate / 10, 1, options.Value.PageSize);
        var due = _pacedSince + TimeSpan.FromSeconds(_pacedScanned / rate);
        var wait = due - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        return step;
    }
}
