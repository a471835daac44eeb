using RelationGraph.Silo.Hosting;

namespace RelationGraph.Tests.OrleansProviders.Grains;

/// <summary>
/// A grain keeping a little state in Orleans' ADO.NET grain storage (<c>relationgraph</c>) under the state name
/// <see cref="StateProbe.StateName"/>. Two grain types implement it over the very same row, as two activations of one grain
/// would: Orleans keys a record by service, state name and grain key, not by grain type.
/// </summary>
[Alias("RelationGraph.Tests.IStateProbe")]
public interface IStateProbe : IGrainWithIntegerKey
{
    /// <summary>The state as this activation holds it.</summary>
    [Alias("GetAsync")]
    Task<StateSnapshot> GetAsync();

    /// <summary>Rereads the state from storage.</summary>
    [Alias("ReloadAsync")]
    Task<StateSnapshot> ReloadAsync();

    /// <summary>Sets the value and writes the state.</summary>
    [Alias("WriteAsync")]
    Task<StateSnapshot> WriteAsync(string value);

    /// <summary>Clears the state in storage.</summary>
    [Alias("ClearAsync")]
    Task<StateSnapshot> ClearAsync();
}

/// <summary>The first writer of a state probe row.</summary>
[Alias("RelationGraph.Tests.IStateProbeGrain")]
public interface IStateProbeGrain : IStateProbe;

/// <summary>The second writer of the same row (same key, same state name), standing in for a duplicate activation.</summary>
[Alias("RelationGraph.Tests.IRivalStateProbeGrain")]
public interface IRivalStateProbeGrain : IStateProbe;

/// <summary>A state probe's stored state.</summary>
[GenerateSerializer, Alias("RelationGraph.Tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public string? WrittenBy { get; set; }
}

/// <summary>What an activation holds: the value, the writer, the ETag and whether a record exists.</summary>
[GenerateSerializer, Immutable, Alias("RelationGraph.Tests.StateSnapshot")]
public sealed record StateSnapshot([property: Id(0)] string? Value, [property: Id(1)] string? WrittenBy, [property: Id(2)] string? ETag, [property: Id(3)] bool RecordExists);

/// <summary>The state probes' behaviour, shared by both grain types.</summary>
public abstract class StateProbe(IPersistentState<ProbeState> state) : Grain, IStateProbe
{
    /// <summary>The state name both grain types use.</summary>
    public const string StateName = "probe";

    public Task<StateSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task<StateSnapshot> ReloadAsync()
    {
        await state.ReadStateAsync();
        return Snapshot();
    }

    public async Task<StateSnapshot> WriteAsync(string value)
    {
        state.State.Value = value;
        state.State.WrittenBy = GetType().Name;
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task<StateSnapshot> ClearAsync()
    {
        await state.ClearStateAsync();
        return Snapshot();
    }

    private StateSnapshot Snapshot() => new(state.State.Value, state.State.WrittenBy, state.Etag, state.RecordExists);
}

/// <inheritdoc cref="IStateProbeGrain" />
public sealed class StateProbeGrain([PersistentState(StateProbe.StateName, RelationGraphSiloBuilderExtensions.GrainStorageName)] IPersistentState<ProbeState> state)
    : StateProbe(state), IStateProbeGrain;

/// <inheritdoc cref="IRivalStateProbeGrain" />
public sealed class RivalStateProbeGrain([PersistentState(StateProbe.StateName, RelationGraphSiloBuilderExtensions.GrainStorageName)] IPersistentState<ProbeState> state)
    : StateProbe(state), IRivalStateProbeGrain;
