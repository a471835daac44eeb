using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests.Grains;

/// <summary>A grain that reports its construction, activation and deactivation to the host's <see cref="GrainProbe"/>.</summary>
public abstract class ProbedGrain : Grain
{
    protected ProbedGrain(GrainProbe probe)
    {
        Probe = probe;
        probe.OnConstructed();
    }

    /// <summary>Identifies this activation: a new instance is created for every activation.</summary>
    protected Guid InstanceId { get; } = Guid.NewGuid();

    protected GrainProbe Probe { get; }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Probe.OnActivated(GrainId, InstanceId);
        await Task.Yield();
        await Probe.ActivationGate(GrainId);
        if (Probe.ConsumeActivationFailure(GrainId))
        {
            throw new InvalidOperationException($"Activation of {GrainId} failed on purpose.");
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.OnDeactivated(GrainId, reason);
        return Task.CompletedTask;
    }
}
