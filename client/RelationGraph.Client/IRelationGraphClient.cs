using RelationGraph.Abstractions;

namespace RelationGraph.Client;

/// <summary>
/// RelationGraph for .NET callers. Calls go straight to the silo owning the user's grain. Every call is safe to
/// repeat, and is retried on an unreachable silo or a timeout (see <see cref="RelationGraphClientOptions.MaxAttempts"/>).
/// Errors are typed: <see cref="ArgumentException"/> for invalid input (nothing is written),
/// <see cref="ShardUnavailableException"/> when a storage shard is down, <see cref="TimeoutException"/> when no
/// attempt got an answer in time, and <see cref="RelationGraph.Actors.SiloUnavailableException"/> when no silo could be reached.
/// </summary>
public interface IRelationGraphClient
{
    /// <summary>Makes <paramref name="userId"/> follow <paramref name="targetId"/>. Idempotent; <see cref="FollowResult.Changed"/> says whether it was new.</summary>
    Task<FollowResult> FollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="userId"/> stop following <paramref name="targetId"/>. Idempotent.</summary>
    Task<FollowResult> UnfollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default);

    /// <summary>A page of the users <paramref name="userId"/> follows, newest first.</summary>
    Task<EdgePage> GetFollowingAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>A page of the users following <paramref name="userId"/>, newest first.</summary>
    Task<EdgePage> GetFansAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many users <paramref name="userId"/> follows and how many follow them.</summary>
    Task<Counts> GetCountsAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>How <paramref name="userId"/> and <paramref name="otherId"/> relate.</summary>
    Task<Relation> GetRelationAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default);

    /// <summary>The cluster's silos as the membership table lists them, dead ones included.</summary>
    Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken = default);
}
