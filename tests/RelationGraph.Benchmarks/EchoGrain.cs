using RelationGraph.Actors;

namespace RelationGraph.Benchmarks;

/// <summary>A grain that does no work, so a call measures the runtime and the network alone.</summary>
public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<long> EchoAsync(long value);
}

/// <inheritdoc cref="IEchoGrain" />
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<long> EchoAsync(long value) => Task.FromResult(value);
}
