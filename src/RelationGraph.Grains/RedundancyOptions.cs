namespace RelationGraph.Grains;

/// <summary>Bound from <c>RelationGraph:Redundancy</c>; one choice per deployment, the same final state in each.</summary>
public sealed class RedundancyOptions
{
    /// <summary>The redundancy mode. Default <see cref="Grains.Redundancy.Stream"/>.</summary>
    public Redundancy Redundancy { get; set; } = Redundancy.Stream;

    /// <summary>The stream namespace of follow events, to which fan grains subscribe implicitly.</summary>
    public const string FollowStream = "follows";

    /// <summary>
    /// The namespaces of a bucketed user's follow events, one per bucket (<c>follows/3</c>, see
    /// <see cref="Persistence.FanBuckets.FanBucketMap.StreamOf"/>), to which bucket grains subscribe implicitly; also their key extension.
    /// </summary>
    public const string FollowBucketStreams = "^follows/[0-9]+$";
}
