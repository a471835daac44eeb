using System.Collections.Concurrent;

namespace RelationGraph.Actors.Tests.Infrastructure;

/// <summary>
/// What the grains of one test host report to the test: constructions, activations and deactivations per grain id,
/// named signals, and named gates the test opens to release grains. Registered as a singleton per host and injected
/// into grain constructors, so no state is shared between tests.
/// </summary>
public sealed class GrainProbe
{
    private readonly ConcurrentDictionary<GrainId, EventLog<Guid>> _activations = new();
    private readonly ConcurrentDictionary<GrainId, EventLog<DeactivationReason>> _deactivations = new();
    private readonly ConcurrentDictionary<string, EventLog<GrainId>> _signals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GrainId, int> _activationFailures = new();
    private readonly ConcurrentDictionary<GrainId, string> _activationGates = new();
    private int _constructed;

    /// <summary>How many grain instances the runtime constructed in this host.</summary>
    public int Constructed => Volatile.Read(ref _constructed);

    /// <summary>How many times <see cref="Grain.OnActivateAsync"/> was entered for <paramref name="grainId"/>.</summary>
    public int ActivationCount(GrainId grainId) => ActivationsOf(grainId).Count;

    /// <summary>The instance ids of the activations of <paramref name="grainId"/>, in activation order.</summary>
    public IReadOnlyList<Guid> Activations(GrainId grainId) => ActivationsOf(grainId).Values;

    /// <summary>Completes with the instance id of activation number <paramref name="index"/> of <paramref name="grainId"/> once its <see cref="Grain.OnActivateAsync"/> was entered.</summary>
    public Task<Guid> Activated(GrainId grainId, int index = 0) => ActivationsOf(grainId).Occurrence(index);

    /// <summary>The reasons of the deactivations of <paramref name="grainId"/> so far, in order.</summary>
    public IReadOnlyList<DeactivationReason> Deactivations(GrainId grainId) => DeactivationsOf(grainId).Values;

    /// <summary>Completes with the reason of deactivation number <paramref name="index"/> of <paramref name="grainId"/>.</summary>
    public Task<DeactivationReason> Deactivation(GrainId grainId, int index = 0) => DeactivationsOf(grainId).Occurrence(index);

    /// <summary>Completes when signal <paramref name="name"/> was raised for the <paramref name="index"/>-th time; yields the grain that raised it.</summary>
    public Task<GrainId> Signaled(string name, int index = 0) => SignalsOf(name).Occurrence(index);

    /// <summary>How often signal <paramref name="name"/> was raised.</summary>
    public int SignalCount(string name) => SignalsOf(name).Count;

    /// <summary>Releases every grain waiting on gate <paramref name="name"/>, now and later.</summary>
    public void Open(string name) => GateOf(name).TrySetResult();

    /// <summary>Makes the next <paramref name="count"/> activations of <paramref name="grainId"/> throw from <see cref="Grain.OnActivateAsync"/>.</summary>
    public void FailNextActivations(GrainId grainId, int count) => _activationFailures[grainId] = count;

    /// <summary>Makes the next activation of <paramref name="grainId"/> wait in <see cref="Grain.OnActivateAsync"/> until <paramref name="gate"/> is opened.</summary>
    public void HoldNextActivation(GrainId grainId, string gate) => _activationGates[grainId] = gate;

    internal void OnConstructed() => Interlocked.Increment(ref _constructed);

    internal void OnActivated(GrainId grainId, Guid instanceId) => ActivationsOf(grainId).Add(instanceId);

    internal void OnDeactivated(GrainId grainId, DeactivationReason reason) => DeactivationsOf(grainId).Add(reason);

    internal void Signal(string name, GrainId grainId) => SignalsOf(name).Add(grainId);

    internal Task Gate(string name) => GateOf(name).Task;

    internal bool ConsumeActivationFailure(GrainId grainId)
    {
        while (_activationFailures.TryGetValue(grainId, out var remaining) && remaining > 0)
        {
            if (_activationFailures.TryUpdate(grainId, remaining - 1, remaining))
            {
                return true;
            }
        }

        return false;
    }

    internal Task ActivationGate(GrainId grainId) =>
        _activationGates.TryRemove(grainId, out var gate) ? Gate(gate) : Task.CompletedTask;

    private EventLog<Guid> ActivationsOf(GrainId grainId) => _activations.GetOrAdd(grainId, static _ => new EventLog<Guid>());

    private EventLog<DeactivationReason> DeactivationsOf(GrainId grainId) => _deactivations.GetOrAdd(grainId, static _ => new EventLog<DeactivationReason>());

    private EventLog<GrainId> SignalsOf(string name) => _signals.GetOrAdd(name, static _ => new EventLog<GrainId>());

    private TaskCompletionSource GateOf(string name) =>
        _gates.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
