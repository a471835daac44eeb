namespace RelationGraph.Actors;

/// <summary>
/// Base class of grain implementations. The runtime creates one instance per activation through dependency
/// injection and calls it one request at a time.
/// </summary>
public abstract class Grain
{
    private IGrainContext? _context;

    /// <summary>The identity of this grain.</summary>
    public GrainId GrainId => Context.GrainId;

    /// <summary>Factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => Context.GrainFactory;

    private IGrainContext Context => _context ?? throw new InvalidOperationException("The grain is not activated by the runtime.");

    /// <summary>The integer key of this grain.</summary>
    public long GetPrimaryKeyLong() => GrainId.GetIntegerKey();

    /// <summary>The string key of this grain.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>Asks the runtime to deactivate this activation once the current request completes.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    /// <summary>Called once before the first request of an activation is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once after the last request of an activation has completed.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    internal void Attach(IGrainContext context) => _context = context;
}
