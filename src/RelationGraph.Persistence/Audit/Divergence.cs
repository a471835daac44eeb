namespace RelationGraph.Persistence.Audit;

/// <summary>The ways the derived copy (<c>fans</c>, counts) can differ from the source of truth (<c>following</c>).</summary>
public enum Divergence
{
    /// <summary>Following active, fan row absent or not active.</summary>
    MissingFan,

    /// <summary>Fan row active, following absent or removed.</summary>
    OrphanFan,

    /// <summary>Both present in the same state, but the fan row carries an older event time.</summary>
    StaleFan,

    /// <summary>A stored count differs from the number of active rows.</summary>
    CountDrift,
}
