namespace RelationGraph.Persistence;

/// <summary>Which relation and which copy of it a row is (see the shard schema, <c>020_friends_and_blocks.sql</c>).</summary>
public enum EdgeDirection : short
{
    /// <summary>The owner follows the other user (the source of truth, on the follower's shard).</summary>
    Following = 1,

    /// <summary>The other user follows the owner (derived, on the followee's shard).</summary>
    Fans = 2,

    /// <summary>The owner asks (or accepts) the other user to be friends (the source, on the asker's shard).</summary>
    FriendAsks = 3,

    /// <summary>The other user asks the owner to be friends (derived, on the asked user's shard).</summary>
    FriendAsked = 4,

    /// <summary>The owner blocks the other user (the source).</summary>
    Blocking = 5,

    /// <summary>The other user blocks the owner (written with the source before a block is acknowledged).</summary>
    BlockedBy = 6,

    /// <summary>View: both ask each other; they are friends.</summary>
    Friends = 7,

    /// <summary>View: the owner asked, the other has not (yet).</summary>
    RequestsOut = 8,

    /// <summary>View: the other asked, the owner has not (yet).</summary>
    RequestsIn = 9,
}
