namespace RelationGraph.Abstractions;

/// <summary>The outcome of a follow or unfollow.</summary>
/// <param name="UserId">The follower.</param>
/// <param name="TargetId">The followee.</param>
/// <param name="Following">Whether <paramref name="UserId"/> follows <paramref name="TargetId"/> now.</param>
/// <param name="Changed">Whether this request changed anything; false when it repeated the current state.</param>
public sealed record FollowResult(UserId UserId, UserId TargetId, bool Following, bool Changed);
