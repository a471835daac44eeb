using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// The incremental scan of one shard: checks every edge (both copies) and every count touched by a change in the shard's
/// change log since its checkpoint. The checkpoint is a transaction id: a run stops below the oldest transaction still
/// running when it started, so a change whose transaction commits late is checked by the next run, never skipped.
/// </summary>
public sealed partial class IncrementalScanGrain(
    [PersistentState("audit-incremental", AuditOptions.GrainStorageName)] IPersistentState<IncrementalScanState> state,
    AuditChecker checker,
    AuditMetrics metrics,
    IOptions<AuditOptions> options,
    ILogger<IncrementalScanGrain> logger)
    : Grain, IIncrementalScanGrain
{
    private IGrainTimer? _timer;

    private Persistence.Sharding.Shard Shard => checker.Store.Shards.All[int.Parse(this.GetPrimaryKeyString(), CultureInfo.InvariantCulture)];

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

        var s = state.State;
        s.RunId = runId;
        s.Part = part;
        s.Below = await AuditStore.StablePositionAsync(Shard, CancellationToken.None);
        s.AfterXid = s.Checkpoint;
        s.AfterPosition = 0;
        s.Finished = false;
        s.Scanned = 0;
        s.Found = s.Repaired = AuditCounts.None;
        s.Pending = new();
        s.Failures = 0;
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
        if (_timer is null && state.State.RunId is not null && !state.State.Finished)
        {
            _timer = this.RegisterGrainTimer(StepAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(1)) { KeepAlive = true });
        }
    }

    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        try
        {
            await ApplyPendingAsync(cancellationToken);
            var changes = await AuditStore.ReadChangesAsync(Shard, s.Checkpoint, s.Below, s.AfterXid, s.AfterPosition, options.Value.PageSize, followingOnly: false, cancellationToken);
            if (changes.Length == 0)
            {
                s.Checkpoint = s.Below;
                s.Finished = true;
                await state.WriteStateAsync(cancellationToken);
                await AuditStore.TrimChangesAsync(Shard, s.Below, cancellationToken);
            }
            else
            {
                var pairs = changes.Select(c => c.Pair).Distinct().ToList();
                var (found, repairs) = await checker.ConfirmAsync(pairs, cancellationToken);
                // Only this shard's own counts (the owners of the rows it logged), so that parts never recount one user twice.
                var counts = await checker.DriftedCountsOfAsync(
                    changes.Where(c => c.Direction == EdgeDirection.Following).Select(c => c.Pair.Follower),
                    changes.Where(c => c.Direction == EdgeDirection.Fans).Select(c => c.Pair.Followee),
                    cancellationToken);
                found = found.Add(new AuditCounts(0, 0, 0, counts.Count));
                s.Scanned += pairs.Count;
                s.Found = s.Found.Add(found);
                (s.AfterXid, s.AfterPosition) = (changes[^1].Xid, changes[^1].Position);
                s.Pending = new PendingRepairs { Fans = repairs, Counts = counts };
                metrics.Record("incremental", pairs.Count, found, AuditCounts.None);
                await state.WriteStateAsync(cancellationToken);
                await ApplyPendingAsync(cancellationToken);
            }

            s.Failures = 0;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            s.Failures++;
            LogStepFailed(logger, exception, s.RunId, s.Part, s.Failures);
            if (s.Failures < 20)
            {
                return;
            }
        }

        if (s.Finished || s.Failures >= 20)
        {
            _timer?.Dispose();
            _timer = null;
        }

        await ReportAsync();
    }

    private Task ReportAsync()
    {
        var s = state.State;
        return GrainFactory.GetGrain<IAuditRunGrain>(s.RunId!.Split('-')[0])
            .ReportAsync(s.RunId, s.Part, new AuditPartProgress(s.Scanned, s.Found, s.Repaired, 0, s.Finished, s.Failures >= 20));
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
        metrics.Record("incremental", 0, AuditCounts.None, repaired);
        await state.WriteStateAsync(cancellationToken);
    }

    [LoggerMessage(1, LogLevel.Warning, "Audit run {RunId} shard {Part}: an incremental step failed ({Failures} in a row); it retries from its checkpoint")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string? runId, int part, int failures);
}
