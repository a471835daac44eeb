namespace RelationGraph.Abstractions;

/// <summary>The outcome of a follow or unfollow.</summary>
/// <param name="UserId">The follower.</param>
/// <param name="TargetId">The followee.</param>
/// <param name="Following">Whether <paramref name="UserId"/> follows <paramref name="TargetId"/> now.</param>
/// <param name="Changed">Whether this request changed anything; false when it repeated the current state.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.FollowResult")]
public sealed record FollowResult([property: Id(0)] UserId UserId, [property: Id(1)] UserId TargetId, [property: Id(2)] bool Following, [property: Id(3)] bool Changed);
