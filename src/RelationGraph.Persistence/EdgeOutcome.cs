namespace RelationGraph.Persistence;

/// <summary>What applying one edge event did (the answer of <c>apply_edge_event</c>).</summary>
public enum EdgeOutcome : short
{
    /// <summary>Nothing changed: the event repeated the edge's state or was older than its stored event.</summary>
    Unchanged = 0,

    /// <summary>The edge's state flipped.</summary>
    Changed = 1,

    /// <summary>Refused, nothing written: the owner blocks the other user.</summary>
    OwnerBlocks = 2,

    /// <summary>Refused, nothing written: the other user blocks the owner.</summary>
    BlockedByOther = 3,

    /// <summary>
    /// Not applied, nothing written: the write was sent unread (<c>apply_source_event</c>) and the stored edge already has
    /// its state, or has no row to remove, or holds a newer event. Read the edge and decide.
    /// </summary>
    Unapplied = 4,

    /// <summary>Refused, nothing written: the owner is deleted (see <c>erased_users</c>).</summary>
    OwnerDeleted = 5,

    /// <summary>Refused, nothing written: the other user is deleted.</summary>
    OtherDeleted = 6,
}
