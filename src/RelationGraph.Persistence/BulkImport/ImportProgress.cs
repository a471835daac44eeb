namespace RelationGraph.Persistence.BulkImport;

/// <summary>How far an import is.</summary>
/// <param name="Stage">Reading the input or writing the shards.</param>
/// <param name="Edges">Edges done in this stage.</param>
/// <param name="TotalEdges">Edges in the input (while reading, its line count).</param>
/// <param name="Elapsed">Time in this stage.</param>
public sealed record ImportProgress(ImportStage Stage, long Edges, long TotalEdges, TimeSpan Elapsed)
{
    /// <summary>Edges per second in this stage.</summary>
    public double EdgesPerSecond => Elapsed.TotalSeconds > 0 ? Edges / Elapsed.TotalSeconds : 0;

    /// <summary>The estimated time left in this stage, when the rate is known.</summary>
    public TimeSpan? Remaining => EdgesPerSecond > 0 ? TimeSpan.FromSeconds((TotalEdges - Edges) / EdgesPerSecond) : null;
}
