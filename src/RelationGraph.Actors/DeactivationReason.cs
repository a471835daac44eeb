namespace RelationGraph.Actors;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>The activation was idle for longer than the collection age.</summary>
    IdleCollection,

    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary><see cref="Grain.OnActivateAsync"/> failed.</summary>
    ActivationFailed,
}
