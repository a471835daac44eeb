namespace RelationGraph.Actors;

/// <summary>One request to a grain: the unit the runtime routes, queues and, in a cluster, sends to another silo.</summary>
/// <param name="Target">The grain that handles the call.</param>
/// <param name="Method">The interface method.</param>
/// <param name="Arguments">The arguments, in parameter order.</param>
public sealed record GrainCall(GrainId Target, GrainMethod Method, object?[] Arguments)
{
    /// <inheritdoc />
    public override string ToString() => $"{Method.Name} on {Target}";
}
