using RelationGraph.Abstractions;

namespace RelationGraph.Client;

/// <summary>
/// RelationGraph for .NET callers, over the Orleans client: each call goes to the grain owning the user's list.
/// </summary>
/// <remarks>
/// <para>
/// Every call is safe to repeat, and is repeated (up to <see cref="RelationGraphClientOptions.MaxAttempts"/> attempts,
/// pausing <see cref="RelationGraphClientOptions.RetryDelay"/>, doubled each time) when the cluster could not be reached or
/// did not answer in time. Once attempts run out, the last failure is thrown as it is.
/// </para>
/// <para>Errors are typed:</para>
/// <list type="bullet">
/// <item><see cref="ArgumentException"/>: invalid input, checked before any call where possible (a self-follow, a page
/// size out of range: <see cref="ArgumentOutOfRangeException"/>) or by the grain (a malformed cursor). Nothing is written.</item>
/// <item><see cref="RelationBlockedException"/>: a follow or friend request refused because a block stands between the
/// two users (<see cref="RelationBlockedException.BlockedByTarget"/> says who blocks whom). Nothing is written.</item>
/// <item><see cref="Abstractions.Deletion.UserDeletedException"/>: a user the call names is deleted (or being deleted):
/// their lists cannot be read and no relation to or from them can be written. Nothing is written.</item>
/// <item><see cref="ShardUnavailableException"/>: a storage shard the call needs is down. Try again later.</item>
/// <item><see cref="RateLimitedException"/>: the user has made too many writes of that kind for now (a per-user limit of the
/// service); nothing was written. Not retried: try again after <see cref="RateLimitedException.RetryAfter"/>.</item>
/// <item><see cref="OverloadedException"/>: the service is applying back-pressure; nothing was written. Try again later, more slowly.</item>
/// <item><see cref="TimeoutException"/>: no attempt got an answer within <see cref="RelationGraphClientOptions.ResponseTimeout"/>.
/// A follow or unfollow that timed out may still have been applied; repeating it is harmless.</item>
/// <item>Orleans' own exceptions when no silo could be reached: <see cref="Orleans.Runtime.SiloUnavailableException"/> and
/// other <see cref="Orleans.Runtime.OrleansMessageRejectionException"/>s (the message could not be delivered), and
/// <see cref="Orleans.Runtime.Messaging.ConnectionFailedException"/> (no gateway connection could be opened).</item>
/// <item><see cref="OperationCanceledException"/> when the caller's token is cancelled; the call may still complete in the cluster.</item>
/// </list>
/// </remarks>
public interface IRelationGraphClient
{
    /// <summary>Makes <paramref name="userId"/> follow <paramref name="targetId"/>. Idempotent; <see cref="FollowResult.Changed"/> says whether it was new.</summary>
    /// <exception cref="ArgumentException">The two users are the same.</exception>
    Task<FollowResult> FollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="userId"/> stop following <paramref name="targetId"/>. Idempotent.</summary>
    /// <exception cref="ArgumentException">The two users are the same.</exception>
    Task<FollowResult> UnfollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default);

    /// <summary>A page of the users <paramref name="userId"/> follows, newest first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The page size is out of range.</exception>
    /// <exception cref="ArgumentException">The cursor is not the unchanged next cursor of this list (malformed, altered, or another list's).</exception>
    Task<EdgePage> GetFollowingAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the users following <paramref name="userId"/>, newest first. A user with very many fans is read from its
    /// fan buckets (<see cref="FanPageRouter"/>), whose pages may leave out the fans that landed within their cache time
    /// (<c>RelationGraph:FanBuckets:ReadCacheTimeToLive</c>, 1 s).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The page size is out of range.</exception>
    /// <exception cref="ArgumentException">The cursor is not the unchanged next cursor of this list (malformed, altered, or another list's).</exception>
    Task<EdgePage> GetFansAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many users <paramref name="userId"/> follows and how many follow them.</summary>
    Task<Counts> GetCountsAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>How <paramref name="userId"/> and <paramref name="otherId"/> relate.</summary>
    /// <exception cref="ArgumentException">The two users are the same.</exception>
    Task<Relation> GetRelationAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default);

    // Friends, blocks, batch relations and set queries (issue 12).

    /// <summary>
    /// <paramref name="userId"/> asks <paramref name="otherId"/> to be friends, or accepts their request: they become
    /// friends (<see cref="FriendStatus.Friends"/>) when <paramref name="otherId"/> had asked too. Idempotent.
    /// </summary>
    /// <exception cref="ArgumentException">The two users are the same.</exception>
    /// <exception cref="RelationBlockedException">A block stands between them; nothing was written.</exception>
    Task<FriendResult> RequestFriendAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default);

    /// <summary>Cancels <paramref name="userId"/>'s request, declines <paramref name="otherId"/>'s, or ends their friendship. Idempotent.</summary>
    /// <exception cref="ArgumentException">The two users are the same.</exception>
    Task<FriendResult> RemoveFriendAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default);

    /// <summary>A page of <paramref name="userId"/>'s friends, newest friendship first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The page size is out of range.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed.</exception>
    Task<EdgePage> GetFriendsAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>A page of <paramref name="userId"/>'s pending friend requests going <paramref name="direction"/>, newest first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The page size or the direction is out of range.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed.</exception>
    Task<EdgePage> GetFriendRequestsAsync(UserId userId, FriendRequestDirection direction, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// <paramref name="userId"/> blocks <paramref name="otherId"/>: the follows in both directions, the friendship and any
    /// request between them are removed, both copies and all counts, before this returns. Idempotent.
    /// </summary>
    /// <exception cref="ArgumentException">The two users are the same.</exception>
    Task<BlockResult> BlockAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default);

    /// <summary><paramref name="userId"/> unblocks <paramref name="otherId"/>. Restores nothing. Idempotent.</summary>
    /// <exception cref="ArgumentException">The two users are the same.</exception>
    Task<BlockResult> UnblockAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default);

    /// <summary>A page of the users <paramref name="userId"/> blocks, newest first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The page size is out of range.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed.</exception>
    Task<EdgePage> GetBlocksAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How <paramref name="userId"/> relates to each of <paramref name="otherIds"/>, in one call (one query per shard).</summary>
    /// <exception cref="ArgumentException">Not 1 to <see cref="RelationBatch.MaxIds"/> ids, a repeated id, or <paramref name="userId"/> among them.</exception>
    Task<RelationSet> GetRelationsAsync(UserId userId, IReadOnlyList<UserId> otherIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of a set query (<see cref="SetQuery"/>): users <paramref name="userId"/> follows who follow back (no
    /// <paramref name="otherId"/>), users both follow, or users <paramref name="userId"/> follows who follow
    /// <paramref name="otherId"/>; by ascending id, without users blocking or blocked by <paramref name="userId"/>.
    /// A page does bounded work, so it may be short (even empty) and still have a next cursor.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The page size is out of range.</exception>
    /// <exception cref="ArgumentException">The cursor is malformed, or the query needs a second user other than <paramref name="userId"/>.</exception>
    Task<UserPage> GetSetAsync(UserId userId, SetQuery query, UserId? otherId = null, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The cluster's silos as its membership table lists them, dead ones included, active ones first: read through Orleans'
    /// management grain (<see cref="Orleans.Runtime.IManagementGrain.GetDetailedHosts(bool, CancellationToken)"/>).
    /// </summary>
    Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken = default);

    // The auditor (issue 11).

    /// <summary>Starts an audit run of <paramref name="kind"/>: a full scan of every edge, or an incremental scan of what changed since the last one.</summary>
    /// <exception cref="Abstractions.Audit.AuditRunConflictException">A run of that kind is already running; nothing was started.</exception>
    Task<Abstractions.Audit.AuditRun> StartAuditRunAsync(Abstractions.Audit.AuditKind kind, CancellationToken cancellationToken = default);

    /// <summary>The audit run <paramref name="runId"/> (<c>full-N</c> or <c>incremental-N</c>); null when there is none.</summary>
    /// <exception cref="ArgumentException">The id is not an audit run id.</exception>
    Task<Abstractions.Audit.AuditRun?> GetAuditRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The newest audit runs of both kinds, newest first, at most <paramref name="limit"/> (1 to 100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is out of range.</exception>
    Task<IReadOnlyList<Abstractions.Audit.AuditRun>> GetAuditRunsAsync(int limit = 20, CancellationToken cancellationToken = default);

    /// <summary>The real-time check's totals over every shard.</summary>
    Task<Abstractions.Audit.RealtimeAuditTotals> GetRealtimeAuditAsync(CancellationToken cancellationToken = default);

    // Account deletion (issue 13).

    /// <summary>
    /// Deletes <paramref name="userId"/>: marks the user deleted at once (their lists, and relations to or from them, then
    /// throw <see cref="Abstractions.Deletion.UserDeletedException"/>), and erases every relation of theirs, both
    /// directions and both copies, in the background. Answers the deletion's progress; a second call answers the same deletion.
    /// </summary>
    Task<Abstractions.Deletion.UserDeletion> DeleteUserAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>The progress of <paramref name="userId"/>'s deletion; null when it was never asked for.</summary>
    Task<Abstractions.Deletion.UserDeletion?> GetUserDeletionAsync(UserId userId, CancellationToken cancellationToken = default);
}
