using Orleans.Concurrency;

namespace RelationGraph.Abstractions;

/// <summary>The grain of one user's fan list, derived from followers' following lists. Keyed by the user id.</summary>
[Alias("RelationGraph.IFanGrain")]
public interface IFanGrain : IGrainWithIntegerKey
{
    /// <summary>Applies a follow or unfollow of this user. Idempotent and order-independent; true when the fan list changed.</summary>
    [Alias("ApplyAsync")]
    Task<bool> ApplyAsync(FollowChanged change);

    /// <summary>Applies several follows and unfollows of this user together (a stream batch). Idempotent and order-independent.</summary>
    [Alias("ApplyAllAsync")]
    Task ApplyAllAsync(IReadOnlyList<FollowChanged> changes);

    /// <summary>A page of this user's fans, newest first. Interleaves, so a celebrity's readers never queue behind one another or behind fan writes.</summary>
    [AlwaysInterleave]
    [Alias("GetFansAsync")]
    Task<EdgePage> GetFansAsync(PageRequest page);

    /// <summary>How many users follow this user. Interleaves.</summary>
    [AlwaysInterleave]
    [Alias("GetFanCountAsync")]
    Task<long> GetFanCountAsync();

    /// <summary>Forgets this grain's cached pages and counts: a write went around the grain (a block retiring follows).</summary>
    [AlwaysInterleave]
    [Alias("InvalidateAsync")]
    Task InvalidateAsync();

    /// <summary>Called by the user's deletion once it has begun: from then on this grain's reads answer <see cref="Deletion.UserDeletedException"/>.</summary>
    [AlwaysInterleave]
    [Alias("MarkDeletedAsync")]
    Task MarkDeletedAsync();
}
