namespace RelationGraph.Abstractions;

/// <summary>The outcome of a friend request or of ending one.</summary>
/// <param name="UserId">The user who asked or withdrew.</param>
/// <param name="OtherId">The other user.</param>
/// <param name="Status">Where the friendship stands now.</param>
/// <param name="Changed">Whether this request changed anything; false when it repeated the current state.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.FriendResult")]
public sealed record FriendResult([property: Id(0)] UserId UserId, [property: Id(1)] UserId OtherId, [property: Id(2)] FriendStatus Status, [property: Id(3)] bool Changed);
