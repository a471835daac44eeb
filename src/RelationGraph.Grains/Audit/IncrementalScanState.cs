namespace RelationGraph.Grains.Audit;

/// <summary>A shard's incremental-scan checkpoint: the change position everything below which is checked, and where the current run is.</summary>
[GenerateSerializer, Alias("RelationGraph.Audit.IncrementalScanState")]
public sealed class IncrementalScanState : AuditPartState
{
    /// <summary>Changes of transactions below this id are checked (an xid8 of the shard).</summary>
    [Id(0)] public long Checkpoint { get; set; }

    /// <summary>The run checks changes of transactions in [Checkpoint, Below): Below was the oldest running transaction when it started.</summary>
    [Id(1)] public long Below { get; set; }
    [Id(2)] public long AfterXid { get; set; }
    [Id(3)] public long AfterPosition { get; set; }
    [Id(4)] public bool Finished { get; set; }
}
