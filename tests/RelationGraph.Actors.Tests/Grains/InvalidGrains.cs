namespace RelationGraph.Actors.Tests.Grains;

/// <summary>A grain interface the runtime must reject: <see cref="GetCount"/> is not awaitable.</summary>
public interface INonAwaitableGrain : IGrainWithIntegerKey
{
    Task Ping();

    int GetCount();
}

public sealed class NonAwaitableGrain : Grain, INonAwaitableGrain
{
    public Task Ping() => Task.CompletedTask;

    public int GetCount() => 0;
}

/// <summary>A grain interface no class of any test silo implements.</summary>
public interface IUnregisteredGrain : IGrainWithIntegerKey
{
    Task Ping();
}
