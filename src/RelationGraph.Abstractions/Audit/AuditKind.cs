namespace RelationGraph.Abstractions.Audit;

/// <summary>The two kinds of audit run that can be started on request or by their reminder.</summary>
[GenerateSerializer, Alias("RelationGraph.AuditKind")]
public enum AuditKind
{
    /// <summary>Compares <c>following</c> with <c>fans</c> for every edge, recalculates every count and purges old tombstones.</summary>
    Full = 0,

    /// <summary>Checks the edges and counts changed since the last incremental run.</summary>
    Incremental = 1,
}
