namespace RelationGraph.Grains;

/// <summary>Bound from <c>RelationGraph:Redundancy</c>; one choice per deployment, the same final state in each.</summary>
public sealed class RedundancyOptions
{
    /// <summary>The redundancy mode. Default <see cref="Grains.Redundancy.Stream"/>.</summary>
    public Redundancy Redundancy { get; set; } = Redundancy.Stream;

    /// <summary>The stream namespace of follow events, to which fan grains subscribe implicitly.</summary>
    public const string FollowStream = "follows";
}
