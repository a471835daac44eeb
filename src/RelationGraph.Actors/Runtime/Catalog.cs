using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Runtime;

/// <summary>
/// The silo's activations, one per grain id: creates an activation on the first call to a grain and forgets it once
/// it has deactivated. A call that meets a deactivating activation waits for it to finish and gets a new one, so a
/// silo never holds two activations of one grain.
/// </summary>
public sealed partial class Catalog
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly ILogger<Catalog> _logger;
    private readonly Lazy<IGrainFactory> _grainFactory;

    /// <summary>Creates the catalog; <paramref name="grainFactory"/> is resolved lazily because references route back here.</summary>
    public Catalog(IServiceProvider services, GrainTypeRegistry registry, TimeProvider timeProvider, Lazy<IGrainFactory> grainFactory, ILogger<Catalog> logger)
    {
        Services = services;
        TimeProvider = timeProvider;
        _registry = registry;
        _grainFactory = grainFactory;
        _logger = logger;
    }

    /// <summary>The number of activations, including ones activating or deactivating.</summary>
    public int ActivationCount => _activations.Count;

    internal IServiceProvider Services { get; }

    internal TimeProvider TimeProvider { get; }

    internal IGrainFactory GrainFactory => _grainFactory.Value;

    /// <summary>Delivers <paramref name="call"/> to the local activation of its target, creating it when needed.</summary>
    public async Task<object?> DeliverAsync(GrainCall call)
    {
        var item = new WorkItem(call);
        while (true)
        {
            var activation = _activations.GetOrAdd(call.Target, CreateActivation);
            if (activation.TryDeliver(item))
            {
                return await item.Completion;
            }

            await activation.Deactivated;
            _activations.TryRemove(KeyValuePair.Create(call.Target, activation));
        }
    }

    /// <summary>Delivers <paramref name="call"/> locally and waits at most <paramref name="responseTimeout"/> for its result.</summary>
    public async Task<object?> InvokeAsync(GrainCall call, TimeSpan responseTimeout, CancellationToken cancellationToken)
    {
        var response = DeliverAsync(call);
        try
        {
            return await response.WaitAsync(responseTimeout, cancellationToken);
        }
        catch (TimeoutException) when (!response.IsCompleted)
        {
            throw new TimeoutException($"Response did not arrive on time in {responseTimeout} for {call}.");
        }
    }

    /// <summary>A snapshot of the current activations.</summary>
    public IReadOnlyList<ActivationInfo> GetActivations() => _activations.Values.Select(a => a.GetInfo()).ToList();

    /// <summary>Starts deactivating every activation idle for at least <paramref name="collectionAge"/>; returns how many.</summary>
    public int CollectIdleActivations(TimeSpan collectionAge)
    {
        var idleSince = TimeProvider.GetUtcNow() - collectionAge;
        var collected = _activations.Values.Count(a => a.TryCollect(idleSince));
        if (collected > 0)
        {
            LogCollected(_logger, collected, collectionAge);
        }

        return collected;
    }

    /// <summary>Deactivates every activation after its queued requests; used when the silo stops.</summary>
    public Task DeactivateAllAsync() =>
        Task.WhenAll(_activations.Values.Select(a => a.DeactivateAsync(DeactivationReason.ShuttingDown)));

    internal void OnDeactivated(ActivationData activation) =>
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));

    private ActivationData CreateActivation(GrainId grainId) =>
        new(grainId, _registry.GetGrainClass(grainId.Type), this, _logger);
}
