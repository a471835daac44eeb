namespace RelationGraph.Actors;

/// <summary>Names the grain type of a grain class; by default the class name without its <c>Grain</c> suffix, lower-cased.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
