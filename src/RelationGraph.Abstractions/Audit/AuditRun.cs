namespace RelationGraph.Abstractions.Audit;

/// <summary>One audit run and its totals so far.</summary>
/// <param name="RunId">The run's id, <c>{kind}-{number}</c>.</param>
/// <param name="Kind">Full or incremental.</param>
/// <param name="State">Running, completed or failed.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it completed or failed; null while running.</param>
/// <param name="Scanned">Edges compared so far.</param>
/// <param name="Found">Divergences found (each confirmed by a fresh read of both copies).</param>
/// <param name="Repaired">Divergences repaired.</param>
/// <param name="EdgesPerSecond">Edges compared per second of the run's time.</param>
/// <param name="Purged">Tombstones past the horizon deleted (full runs).</param>
/// <param name="Progress">The share of the run's parts done, 0 to 1.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.AuditRun")]
public sealed record AuditRun(
    [property: Id(0)] string RunId,
    [property: Id(1)] AuditKind Kind,
    [property: Id(2)] AuditRunState State,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset? FinishedAt,
    [property: Id(5)] long Scanned,
    [property: Id(6)] AuditCounts Found,
    [property: Id(7)] AuditCounts Repaired,
    [property: Id(8)] double EdgesPerSecond,
    [property: Id(9)] long Purged,
    [property: Id(10)] double Progress);
