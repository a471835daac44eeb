using Orleans.Concurrency;

namespace RelationGraph.Abstractions;

/// <summary>
/// One bucket of a celebrity's fan list: owns the fans that hash to it, beside the user's other buckets, so a user gaining
/// and read by many is not one activation doing one thing at a time. Writes its fans' copies and reads and caches its
/// share of the pages; <see cref="IFanGrain.GetFansAsync"/> merges the buckets' pages, newest first. Keyed by the user
/// id and the bucket's stream namespace (<c>follows/3</c>).
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
    /// A page of this bucket's fans, newest first, one of <paramref name="buckets"/>. Cursors are positions in the user's
    /// whole fan list. Interleaves. Does not check whether the user is deleted: the fan grain does, before it asks.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetFansAsync")]
    Task<EdgePage> GetFansAsync(int buckets, PageRequest page);

    /// <summary>Forgets this bucket's cached pages: a write of its rows went around it (the fan grain, a block, a repair).</summary>
    [AlwaysInterleave]
    [Alias("InvalidateAsync")]
    Task InvalidateAsync();
}
