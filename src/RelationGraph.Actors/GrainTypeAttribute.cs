namespace RelationGraph.Actors;

/// <summary>Names the grain type of a grain interface; by default the interface name without its <c>I</c> prefix and <c>Grain</c> suffix, lower-cased.</summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
