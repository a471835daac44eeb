using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>What every part of a run keeps in its checkpoint: the run, its totals, and the repairs it decided but may not have applied.</summary>
[GenerateSerializer, Alias("RelationGraph.Audit.AuditPartState")]
public abstract class AuditPartState
{
    [Id(0)] public string? RunId { get; set; }
    [Id(1)] public int Part { get; set; }
    [Id(2)] public long Scanned { get; set; }
    [Id(3)] public AuditCounts Found { get; set; } = AuditCounts.None;
    [Id(4)] public AuditCounts Repaired { get; set; } = AuditCounts.None;
    [Id(5)] public PendingRepairs Pending { get; set; } = new();
    [Id(6)] public int Failures { get; set; }
}
