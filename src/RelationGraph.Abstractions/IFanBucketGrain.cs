namespace RelationGraph.Abstractions;

/// <summary>
/// One bucket of a celebrity's fan list: writes the fan copies of the followers that hash to it, beside the user's other
/// buckets, so a user gaining fans fast is not one activation writing one batch at a time. Keyed by the user id and the
/// bucket's stream namespace (<c>follows/3</c>). Its rows are the user's fan rows: pages and the count are the fan grain's.
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
}
