using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Audit;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// The incremental scan of one shard: checks every edge (both copies) and every count touched by a change in the shard's
/// change log since its checkpoint. The checkpoint is a transaction id: a run stops below the oldest transaction still
/// running when it started, so a change whose transaction commits late is checked by the next run, never skipped.
/// </summary>
public sealed class IncrementalScanGrain(
    [PersistentState("audit-incremental", AuditOptions.GrainStorageName)] IPersistentState<IncrementalScanState> state,
    AuditChecker checker,
    AuditMetrics metrics,
    IOptions<AuditOptions> options,
    ILogger<IncrementalScanGrain> logger)
    : AuditPartGrain<IncrementalScanState>(state, checker, metrics, logger, "incremental"), IIncrementalScanGrain
{
    private Shard Shard => Checker.Store.Shards.All[int.Parse(this.GetPrimaryKeyString(), CultureInfo.InvariantCulture)];

    protected override bool Finished => State.Finished;

    protected override async Task BeginAsync(string runId, int part, long first, long last)
    {
        // The checkpoint outlives runs; everything else starts afresh.
        State = new IncrementalScanState
        {
            Checkpoint = State.Checkpoint,
            RunId = runId,
            Part = part,
            Below = await AuditStore.StablePositionAsync(Shard, CancellationToken.None),
            AfterXid = State.Checkpoint,
        };
    }

    protected override async Task StepAsync(CancellationToken cancellationToken)
    {
        var s = State;
        var changes = await AuditStore.ReadChangesAsync(Shard, s.Checkpoint, s.Below, s.AfterXid, s.AfterPosition, options.Value.PageSize, followingOnly: false, cancellationToken);
        if (changes.Length == 0)
        {
            s.Checkpoint = s.Below;
            s.Finished = true;
            await WriteStateAsync(cancellationToken);
            await AuditStore.TrimChangesAsync(Shard, s.Below, cancellationToken);
            return;
        }

        var pairs = changes.Select(c => c.Pair).Distinct().ToList();
        var (found, repairs) = await Checker.ConfirmAsync(pairs, cancellationToken);
        // Only this shard's own counts (the owners of the rows it logged), so that parts never recount one user twice.
        var counts = await Checker.DriftedCountsOfAsync(
            changes.Where(c => c.Direction == EdgeDirection.Following).Select(c => c.Pair.Follower),
            changes.Where(c => c.Direction == EdgeDirection.Fans).Select(c => c.Pair.Followee),
            cancellationToken);
        found = found.Add(new AuditCounts(0, 0, 0, counts.Count));
        s.Scanned += pairs.Count;
        (s.AfterXid, s.AfterPosition) = (changes[^1].Xid, changes[^1].Position);
        RecordScan(pairs.Count, found);
        await RecordAndRepairAsync(found, new PendingRepairs { Fans = repairs, Counts = counts }, cancellationToken);
    }
}
