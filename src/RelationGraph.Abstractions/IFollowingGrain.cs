using Orleans.Concurrency;

namespace RelationGraph.Abstractions;

/// <summary>
/// The grain of one user's following list (the source of truth: the user's own view). Keyed by the user id.
/// A completed follow or unfollow is visible at once in this grain's list, count and relations.
/// </summary>
[Alias("RelationGraph.IFollowingGrain")]
public interface IFollowingGrain : IGrainWithIntegerKey
{
    /// <summary>Follows <paramref name="target"/>. Idempotent; throws <see cref="ArgumentException"/> for a self-follow.</summary>
    [Alias("FollowAsync")]
    Task<FollowResult> FollowAsync(UserId target);

    /// <summary>Unfollows <paramref name="target"/>. Idempotent.</summary>
    [Alias("UnfollowAsync")]
    Task<FollowResult> UnfollowAsync(UserId target);

    /// <summary>A page of the users this user follows, newest first. Interleaves, so readers of a busy user never queue behind one another.</summary>
    [AlwaysInterleave]
    [Alias("GetFollowingAsync")]
    Task<EdgePage> GetFollowingAsync(PageRequest page);

    /// <summary>How many users this user follows. Interleaves.</summary>
    [AlwaysInterleave]
    [Alias("GetFollowingCountAsync")]
    Task<long> GetFollowingCountAsync();

    /// <summary>Whether this user follows <paramref name="target"/>. Interleaves, so mutual relation lookups cannot deadlock.</summary>
    [AlwaysInterleave]
    [Alias("IsFollowingAsync")]
    Task<bool> IsFollowingAsync(UserId target);

    /// <summary>How this user and <paramref name="other"/> relate.</summary>
    [Alias("GetRelationAsync")]
    Task<Relation> GetRelationAsync(UserId other);

    /// <summary>Forgets this grain's cached pages and counts: a write went around the grain (a block retiring follows).</summary>
    [AlwaysInterleave]
    [Alias("InvalidateAsync")]
    Task InvalidateAsync();

    /// <summary>Called by the user's deletion once it has begun: from then on this grain's reads answer <see cref="Deletion.UserDeletedException"/>.</summary>
    [AlwaysInterleave]
    [Alias("MarkDeletedAsync")]
    Task MarkDeletedAsync();
}
