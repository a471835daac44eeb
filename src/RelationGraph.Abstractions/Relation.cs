namespace RelationGraph.Abstractions;

/// <summary>How two users relate.</summary>
/// <param name="UserId">The first user.</param>
/// <param name="OtherId">The second user.</param>
/// <param name="Following">Whether <paramref name="UserId"/> follows <paramref name="OtherId"/>.</param>
/// <param name="FollowedBy">Whether <paramref name="OtherId"/> follows <paramref name="UserId"/>.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.Relation")]
public sealed record Relation([property: Id(0)] UserId UserId, [property: Id(1)] UserId OtherId, [property: Id(2)] bool Following, [property: Id(3)] bool FollowedBy)
{
    /// <summary>Whether both follow each other (friends).</summary>
    public bool Mutual => Following && FollowedBy;

    /// <summary>Whether the two users are friends (both asked).</summary>
    [Id(4)]
    public bool Friends { get; init; }

    /// <summary>A pending friend request between them, and which way it goes; null when there is none.</summary>
    [Id(5)]
    public FriendRequestDirection? FriendRequest { get; init; }

    /// <summary>Whether <see cref="UserId"/> blocks <see cref="OtherId"/>.</summary>
    [Id(6)]
    public bool Blocked { get; init; }

    /// <summary>Whether <see cref="OtherId"/> blocks <see cref="UserId"/>.</summary>
    [Id(7)]
    public bool BlockedBy { get; init; }
}
