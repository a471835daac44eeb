namespace RelationGraph.Abstractions;

/// <summary>
/// The event a follow or unfollow emits for the followee's fan list. Applying it is idempotent and commutative:
/// the edge takes the state of the newest event, a removal winning a tie.
/// </summary>
/// <param name="Follower">Who follows or unfollows.</param>
/// <param name="Followee">Whom.</param>
/// <param name="State">The edge's new state.</param>
/// <param name="OccurredAt">The event time (UTC, microsecond precision); orders events on one edge.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.FollowChanged")]
public sealed record FollowChanged([property: Id(0)] UserId Follower, [property: Id(1)] UserId Followee, [property: Id(2)] EdgeState State, [property: Id(3)] DateTimeOffset OccurredAt)
{
    /// <summary>Which relation changed: a follow (the default) or a friend request (ask).</summary>
    [Id(4)]
    public RelationKind Kind { get; init; }
}
