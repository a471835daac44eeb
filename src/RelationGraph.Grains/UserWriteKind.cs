namespace RelationGraph.Grains;

/// <summary>The writes a user makes that are rate limited, each with its own limit (<see cref="RateLimitOptions"/>).</summary>
public enum UserWriteKind
{
    /// <summary>A follow.</summary>
    Follow,

    /// <summary>An unfollow.</summary>
    Unfollow,

    /// <summary>A friend request (or its acceptance).</summary>
    FriendRequest,

    /// <summary>A block.</summary>
    Block,
}
