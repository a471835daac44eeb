namespace RelationGraph.Grains;

/// <summary>How the reverse copy (<c>fans</c>) follows the forward copy (<c>following</c>), as the seed articles name the three ways.</summary>
public enum Redundancy
{
    /// <summary>Double write: the following grain writes <c>fans</c> through the fan grain before answering.</summary>
    Sync,

    /// <summary>Transactional outbox: the follow commits with a stream event, and the fan grain applies it asynchronously.</summary>
    Stream,

    /// <summary>Change data capture: a logical replication consumer turns committed <c>following</c> rows into fan writes.</summary>
    Cdc,
}
