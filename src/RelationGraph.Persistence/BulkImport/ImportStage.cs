namespace RelationGraph.Persistence.BulkImport;

/// <summary>The two stages of an import.</summary>
public enum ImportStage
{
    /// <summary>Parsing, validating and sorting the input; nothing is written yet.</summary>
    Reading,

    /// <summary>Loading the sorted rows into the shards.</summary>
    Writing,
}
