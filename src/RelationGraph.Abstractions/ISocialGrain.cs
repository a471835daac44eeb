using Orleans.Concurrency;

namespace RelationGraph.Abstractions;

/// <summary>
/// The grain of one user's friendships, friend requests and blocks, and of the queries across relations (batch relation
/// checks and set queries). Keyed by the user id. Writes are serialized per user; reads interleave.
/// </summary>
[Alias("RelationGraph.ISocialGrain")]
public interface ISocialGrain : IGrainWithIntegerKey
{
    /// <summary>Asks <paramref name="other"/> to be friends, or accepts their request. Idempotent.</summary>
    /// <exception cref="RelationBlockedException">A block stands between the two; nothing was written.</exception>
    [Alias("RequestFriendAsync")]
    Task<FriendResult> RequestFriendAsync(UserId other);

    /// <summary>Cancels this user's request to <paramref name="other"/>, declines theirs, or ends the friendship. Idempotent.</summary>
    [Alias("RemoveFriendAsync")]
    Task<FriendResult> RemoveFriendAsync(UserId other);

    /// <summary>
    /// Blocks <paramref name="other"/>: removes the follows in both directions, the friendship and any request, both copies
    /// and all counts, before answering. Idempotent.
    /// </summary>
    [Alias("BlockAsync")]
    Task<BlockResult> BlockAsync(UserId other);

    /// <summary>Unblocks <paramref name="other"/>; restores nothing. Idempotent.</summary>
    [Alias("UnblockAsync")]
    Task<BlockResult> UnblockAsync(UserId other);

    /// <summary>A page of this user's friends, newest friendship first.</summary>
    [AlwaysInterleave]
    [Alias("GetFriendsAsync")]
    Task<EdgePage> GetFriendsAsync(PageRequest page);

    /// <summary>A page of this user's pending friend requests in <paramref name="direction"/>, newest first.</summary>
    [AlwaysInterleave]
    [Alias("GetFriendRequestsAsync")]
    Task<EdgePage> GetFriendRequestsAsync(FriendRequestDirection direction, PageRequest page);

    /// <summary>A page of the users this user blocks, newest first.</summary>
    [AlwaysInterleave]
    [Alias("GetBlocksAsync")]
    Task<EdgePage> GetBlocksAsync(PageRequest page);

    /// <summary>How many friends this user has.</summary>
    [AlwaysInterleave]
    [Alias("GetFriendCountAsync")]
    Task<long> GetFriendCountAsync();

    /// <summary>How this user relates to each of <paramref name="others"/> (1 to 1,000 distinct users, not this one).</summary>
    [AlwaysInterleave]
    [Alias("GetRelationsAsync")]
    Task<RelationSet> GetRelationsAsync(IReadOnlyList<UserId> others);

    /// <summary>A page of a set query of this user (with <paramref name="other"/> where the query takes a second user).</summary>
    [AlwaysInterleave]
    [Alias("GetSetAsync")]
    Task<UserPage> GetSetAsync(SetQuery query, UserId? other, PageRequest page);

    /// <summary>Called by the user's deletion once it has begun: from then on this grain's reads answer <see cref="Deletion.UserDeletedException"/>.</summary>
    [AlwaysInterleave]
    [Alias("MarkDeletedAsync")]
    Task MarkDeletedAsync();
}
