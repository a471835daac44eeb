namespace RelationGraph.Actors.Configuration;

/// <summary>The grain classes the silo hosts.</summary>
public sealed class GrainTypeOptions
{
    /// <summary>Grain implementation classes.</summary>
    public HashSet<Type> Classes { get; } = [];
}
