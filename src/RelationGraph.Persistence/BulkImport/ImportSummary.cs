namespace RelationGraph.Persistence.BulkImport;

/// <summary>What an import did.</summary>
/// <param name="Lines">Edges read.</param>
/// <param name="NewFollows">Following rows that became active (a re-run of the same input adds none).</param>
/// <param name="Elapsed">How long the import took, reading included.</param>
/// <param name="BulkLoadedShards">Shards that were empty and took their rows by COPY; the others merged them.</param>
public sealed record ImportSummary(long Lines, long NewFollows, TimeSpan Elapsed, int BulkLoadedShards)
{
    /// <summary>Edges per second.</summary>
    public double EdgesPerSecond => Elapsed.TotalSeconds > 0 ? Lines / Elapsed.TotalSeconds : 0;
}
