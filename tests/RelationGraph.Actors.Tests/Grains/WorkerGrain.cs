using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests.Grains;

/// <summary>The in-memory state of one activation of <see cref="WorkerGrain"/>.</summary>
public sealed record WorkerState(int Value, Guid ActivationId);

public interface IWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>The id of the activation that served the call.</summary>
    Task<Guid> GetActivationId();

    /// <summary>Like <see cref="GetActivationId"/>, but runs even while another request of the activation is in progress.</summary>
    [AlwaysInterleave]
    Task<Guid> PeekActivationId();

    Task SetValue(int value);

    Task<int> GetValue();

    /// <summary>Adds one to the value; returns the new state.</summary>
    Task<WorkerState> Increment();

    /// <summary>Raises the signal <c>entered</c>, then waits until the test opens <paramref name="gate"/>.</summary>
    Task BlockUntil(string gate);

    /// <summary>Calls <see cref="Grain.DeactivateOnIdle"/>; returns how many deactivations of this grain were seen after an await point.</summary>
    Task<int> DeactivateAfterThisCall();
}

public sealed class WorkerGrain(GrainProbe probe) : ProbedGrain(probe), IWorkerGrain
{
    public const string Entered = "entered";

    private int _value;

    public Task<Guid> GetActivationId() => Task.FromResult(InstanceId);

    public Task<Guid> PeekActivationId() => Task.FromResult(InstanceId);

    public Task SetValue(int value)
    {
        _value = value;
        return Task.CompletedTask;
    }

    public Task<int> GetValue() => Task.FromResult(_value);

    public Task<WorkerState> Increment() => Task.FromResult(new WorkerState(++_value, InstanceId));

    public async Task BlockUntil(string gate)
    {
        Probe.Signal(Entered, GrainId);
        await Probe.Gate(gate);
    }

    public async Task<int> DeactivateAfterThisCall()
    {
        DeactivateOnIdle();
        await Task.Delay(TimeSpan.FromMilliseconds(20));
        return Probe.Deactivations(GrainId).Count;
    }
}
