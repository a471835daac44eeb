using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>A shard's incremental-scan checkpoint: the change position everything below which is checked, and the current run's progress.</summary>
[GenerateSerializer, Alias("RelationGraph.Audit.IncrementalScanState")]
public sealed class IncrementalScanState
{
    /// <summary>Changes of transactions below this id are checked (an xid8 of the shard).</summary>
    [Id(0)] public long Checkpoint { get; set; }
    [Id(1)] public string? RunId { get; set; }
    [Id(2)] public int Part { get; set; }

    /// <summary>The run checks changes of transactions in [Checkpoint, Below): Below was the oldest running transaction when it started.</summary>
    [Id(3)] public long Below { get; set; }
    [Id(4)] public long AfterXid { get; set; }
    [Id(5)] public long AfterPosition { get; set; }
    [Id(6)] public bool Finished { get; set; }
    [Id(7)] public long Scanned { get; set; }
    [Id(8)] public AuditCounts Found { get; set; } = AuditCounts.None;
    [Id(9)] public AuditCounts Repaired { get; set; } = AuditCounts.None;
    [Id(10)] public PendingRepairs Pending { get; set; } = new();
    [Id(11)] public int Failures { get; set; }
}
