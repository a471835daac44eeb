namespace RelationGraph.Persistence.BulkImport;

/// <summary>What an import did.</summary>
/// <param name="Lines">Edges read.</param>
/// <param name="NewFollows">Following rows that became active (a re-run of the same input adds none).</param>
/// <param name="Elapsed">How long writing took.</param>
public sealed record ImportSummary(long Lines, long NewFollows, TimeSpan Elapsed)
{
    /// <summary>Edges per second.</summary>
    public double EdgesPerSecond => Elapsed.TotalSeconds > 0 ? Lines / Elapsed.TotalSeconds : 0;
}
