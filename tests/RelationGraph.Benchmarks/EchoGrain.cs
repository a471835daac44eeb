namespace RelationGraph.Benchmarks;

/// <summary>A grain that does no work, so a call measures Orleans' runtime and the network alone.</summary>
[Alias("RelationGraph.Benchmarks.IEchoGrain")]
public interface IEchoGrain : IGrainWithIntegerKey
{
    /// <summary>Answers <paramref name="value"/>.</summary>
    [Alias("EchoAsync")]
    Task<long> EchoAsync(long value);
}

/// <inheritdoc cref="IEchoGrain" />
public sealed class EchoGrain : Grain, IEchoGrain
{
    /// <inheritdoc />
    public Task<long> EchoAsync(long value) => Task.FromResult(value);
}
