using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// One segment of a full scan: merges <c>following</c> with <c>fans</c> for the segment's followers across every shard, in
/// key order and at the configured pace, confirms and repairs what differs, purges old tombstones, then checks the
/// segment's owners' counts. It works in slices on a grain timer, saving its checkpoint after each, so it resumes on
/// another silo from the last slice when its own dies.
/// </summary>
public sealed partial class FullScanGrain(
    [PersistentState("audit-full-scan", AuditOptions.GrainStorageName)] IPersistentState<FullScanState> state,
    AuditChecker checker,
    AuditMetrics metrics,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<FullScanGrain> logger)
    : Grain, IFullScanGrain
{
    private const int Done = 2;
    private IGrainTimer? _timer;
    private FullScanMerge? _merge;
    private long _pacedScanned;
    private DateTimeOffset _pacedSince;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        StartTimerIfRunning();
        return Task.CompletedTask;
    }

    public async Task StartAsync(string runId, int part, long first, long last)
    {
        if (state.State.RunId == runId)
        {
            StartTimerIfRunning();
            return;
        }

        state.State = new FullScanState { RunId = runId, Part = part, First = first, Last = last, AfterFollower = first - 1, AfterFollowee = long.MaxValue, CountAfter = first - 1, StartedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        StartTimerIfRunning();
    }

    public Task EnsureRunningAsync()
    {
        StartTimerIfRunning();
        return _timer is null && state.State.RunId is not null ? ReportAsync() : Task.CompletedTask;
    }

    private void StartTimerIfRunning()
    {
        if (_timer is null && state.State.RunId is not null && state.State.Phase != Done)
        {
            _pacedSince = time.GetUtcNow();
            _pacedScanned = 0;
            _timer = this.RegisterGrainTimer(SliceAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(1)) { KeepAlive = true });
        }
    }

    private async Task SliceAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        try
        {
            await ApplyPendingAsync(cancellationToken);
            var until = time.GetUtcNow() + options.Value.SliceDuration;
            while (s.Phase != Done && time.GetUtcNow() < until && !cancellationToken.IsCancellationRequested)
            {
                if (s.Phase == 0)
                {
                    await MergeStepAsync(cancellationToken);
                }
                else
                {
                    await CountStepAsync(cancellationToken);
                }
            }

            s.Failures = 0;
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A shard that is down, say: the merge restarts from the checkpoint on the next tick.
            _merge = null;
            s.Failures++;
            LogSliceFailed(logger, exception, s.RunId, s.Part, s.Failures);
            if (s.Failures < 20)
            {
                return;
            }
        }

        if (s.Phase == Done || s.Failures >= 20)
        {
            _timer?.Dispose();
            _timer = null;
        }

        await ReportAsync();
    }

    private async Task MergeStepAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        _merge ??= new FullScanMerge(checker.Store, new EdgePair(s.AfterFollower, s.AfterFollowee), s.Last, options.Value.PageSize, time.GetUtcNow() - options.Value.TombstoneHorizon);
        var step = await PaceAsync(cancellationToken);
        var slice = await _merge.NextAsync(step, cancellationToken);
        var (found, repairs) = await checker.ConfirmAsync(slice.Candidates, cancellationToken);
        var purged = await checker.Store.PurgeAsync(slice.Tombstones, time.GetUtcNow() - options.Value.TombstoneHorizon, cancellationToken);
        s.Scanned += slice.Scanned;
        s.Purged += purged;
        s.AfterFollower = slice.Last.Follower;
        s.AfterFollowee = slice.Last.Followee;
        _pacedScanned += slice.Scanned;
        metrics.Record("full", slice.Scanned, found, AuditCounts.None);
        if (slice.Finished)
        {
            _merge = null;
            s.Phase = 1;
        }

        await RecordAndRepairAsync(found, new PendingRepairs { Fans = repairs }, cancellationToken);
    }

    private async Task CountStepAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var shards = checker.Store.Shards.All;
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
        metrics.Record("full", 0, found, AuditCounts.None);
        await RecordAndRepairAsync(found, new PendingRepairs { Counts = [.. drifts.Select(d => (d.Owner, (short)d.Direction))] }, cancellationToken);
    }

    /// <summary>Saves the findings with the checkpoint before repairing, so a repair interrupted by a crash is redone, not lost or counted twice.</summary>
    private async Task RecordAndRepairAsync(AuditCounts found, PendingRepairs pending, CancellationToken cancellationToken)
    {
        state.State.Found = state.State.Found.Add(found);
        if (pending.IsEmpty)
        {
            return;
        }

        state.State.Pending = pending;
        await state.WriteStateAsync(cancellationToken);
        await ApplyPendingAsync(cancellationToken);
    }

    private Task ReportAsync()
    {
        var s = state.State;
        return GrainFactory.GetGrain<IAuditRunGrain>(s.RunId!.Split('-')[0])
            .ReportAsync(s.RunId, s.Part, new AuditPartProgress(s.Scanned, s.Found, s.Repaired, s.Purged, s.Phase == Done, s.Failures >= 20));
    }

    private async Task ApplyPendingAsync(CancellationToken cancellationToken)
    {
        if (state.State.Pending.IsEmpty)
        {
            return;
        }

        var repaired = await checker.RepairAsync(state.State.Pending, cancellationToken);
        state.State.Repaired = state.State.Repaired.Add(repaired);
        state.State.Pending = new();
        metrics.Record("full", 0, AuditCounts.None, repaired);
        await state.WriteStateAsync(cancellationToken);
    }

    /// <summary>Waits until this segment's share of the cluster's pace allows another step, and returns the step's size.</summary>
    private async Task<int> PaceAsync(CancellationToken cancellationToken)
    {
        var rate = options.Value.FullScanEdgesPerSecond / Math.Max(1, options.Value.Segments > 0 ? options.Value.Segments : checker.Store.Shards.All.Count);
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

    [LoggerMessage(1, LogLevel.Warning, "Audit run {RunId} segment {Part}: a slice failed ({Failures} in a row); it resumes from its checkpoint")]
    private static partial void LogSliceFailed(ILogger logger, Exception exception, string? runId, int part, int failures);
}
