using Orleans.Concurrency;

namespace RelationGraph.Abstractions;

/// <summary>
/// One bucket of a celebrity's fan list: writes the fan copies of the followers that hash to it, beside the user's other
/// buckets, so a user gaining fans fast is not one activation writing one batch at a time, and serves the user's fan
/// pages beside them, so one read at a time is not one activation either. Keyed by the user id and
/// <see cref="FanBucketKey.Of"/> the bucket.
/// </summary>
[Alias("RelationGraph.IFanBucketGrain")]
public interface IFanBucketGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>
    /// Applies a follow or unfollow of this bucket's user (Sync mode), as <see cref="IFanGrain.ApplyAsync"/> does.
    /// Idempotent and order-independent; true when the fan list changed.
    /// </summary>
    [Alias("ApplyAsync")]
    Task<bool> ApplyAsync(FollowChanged change);

    /// <summary>
    /// One page of the user's whole fan list (every bucket's rows, newest first), as <see cref="IFanGrain.GetFansAsync"/>
    /// reads it: the cursors of both are the same. A page is at most the bucket's cache time old
    /// (<c>RelationGraph:FanBuckets:ReadCacheTimeToLive</c>).
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetFansAsync")]
    Task<EdgePage> GetFansAsync(PageRequest page);

    /// <summary>Tells an active bucket that its user is being deleted: its reads answer <see cref="Deletion.UserDeletedException"/> from now on.</summary>
    [AlwaysInterleave]
    [Alias("MarkDeletedAsync")]
    Task MarkDeletedAsync();
}
