namespace RelationGraph.Actors;

/// <summary>
/// Delivers a grain call to the activation that owns its target and returns the result. The single-silo router
/// delivers locally; a cluster router picks the owning silo and may send the call over a connection.
/// Grain references and grain code only ever see this interface.
/// </summary>
public interface IGrainCallRouter
{
    /// <summary>Delivers <paramref name="call"/> and completes with its result, or faults with the grain's exception or a <see cref="TimeoutException"/>.</summary>
    Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken = default);
}
