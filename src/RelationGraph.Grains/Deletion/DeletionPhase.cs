namespace RelationGraph.Grains.Deletion;

/// <summary>The steps of a user deletion, in order.</summary>
public enum DeletionPhase
{
    /// <summary>Never asked for.</summary>
    NotStarted,

    /// <summary>Marking the user deleted on every shard, and telling the user's grains.</summary>
    Marking,

    /// <summary>Waiting for the transactions that began before the marks, which may have written without seeing them.</summary>
    WaitingForWriters,

    /// <summary>Removing the user's rows, page by page, each with the other users' copies.</summary>
    Walking,

    /// <summary>
    /// Waiting until the fan-copy feeds delivered every event committed before the walk ended: a copy of a relation with
    /// the user that lands now is refused, and its source is removed where it lands (see <see cref="FanGrain"/>).
    /// </summary>
    Draining,

    /// <summary>Every row of the user is gone.</summary>
    Done,
}
