using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>A part's totals so far (absolute, so a report repeated after a resume changes nothing).</summary>
[GenerateSerializer, Immutable, Alias("RelationGraph.Audit.AuditPartProgress")]
public sealed record AuditPartProgress(
    [property: Id(0)] long Scanned,
    [property: Id(1)] AuditCounts Found,
    [property: Id(2)] AuditCounts Repaired,
    [property: Id(3)] long Purged,
    [property: Id(4)] bool Finished,
    [property: Id(5)] bool Failed);
