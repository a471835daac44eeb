namespace RelationGraph.Abstractions;

/// <summary>
/// The event a follow or unfollow emits for the followee's fan list. Applying it is idempotent and commutative:
/// the edge takes the state of the newest event, a removal winning a tie.
/// </summary>
/// <param name="Follower">Who follows or unfollows.</param>
/// <param name="Followee">Whom.</param>
/// <param name="State">The edge's new state.</param>
/// <param name="OccurredAt">The event time (UTC, microsecond precision); orders events on one edge.</param>
public sealed record FollowChanged(UserId Follower, UserId Followee, EdgeState State, DateTimeOffset OccurredAt);
