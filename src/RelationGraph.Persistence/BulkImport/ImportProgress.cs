namespace RelationGraph.Persistence.BulkImport;

/// <summary>How far an import is.</summary>
/// <param name="Edges">Edges written so far (each to both of its tables).</param>
/// <param name="TotalEdges">Edges in the input.</param>
/// <param name="Elapsed">Time since the import started writing.</param>
public sealed record ImportProgress(long Edges, long TotalEdges, TimeSpan Elapsed)
{
    /// <summary>Edges per second so far.</summary>
    public double EdgesPerSecond => Elapsed.TotalSeconds > 0 ? Edges / Elapsed.TotalSeconds : 0;

    /// <summary>The estimated time left, when the rate is known.</summary>
    public TimeSpan? Remaining => EdgesPerSecond > 0 ? TimeSpan.FromSeconds((TotalEdges - Edges) / EdgesPerSecond) : null;
}
