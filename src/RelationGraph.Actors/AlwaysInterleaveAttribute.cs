namespace RelationGraph.Actors;

/// <summary>
/// Marks a grain interface method that may run while another request of the same activation is in progress,
/// as in Orleans. Use it for side-effect-free reads that other grains call back into, so call cycles cannot deadlock.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class AlwaysInterleaveAttribute : Attribute;
