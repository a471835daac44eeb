using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;

namespace RelationGraph.Grains;

public sealed partial class FanGrain
{
    private int _addedSinceCheck;
    private bool _bucketed;
    private Task? _bucketPagesCleared;

    /// <summary>
    /// A page merged from the buckets' pages. The buckets' caches are cleared before this activation's first merged page:
    /// an activation that wrote copies here before its silo heard of the move did not clear them.
    /// </summary>
    private async Task<EdgePage> GetMergedFansAsync(int buckets, PageRequest page)
    {
        var cleared = _bucketPagesCleared ??= InvalidateBucketsAsync(buckets);
        try
        {
            await cleared;
        }
        catch
        {
            _bucketPagesCleared = null;
            throw;
        }

        // The buckets' pages keep users being deleted (so the merge can tell where each bucket ended); the merged page does not.
        await erasedUsers.RefreshIfDueAsync();
        return erasedUsers.Without(await FanPageMerge.MergeAsync(
            buckets, page, (bucket, p) => Bucket(bucket).GetFansAsync(buckets, p), last => store.CursorAfter(EdgeDirection.Fans, Me, last)));
    }

    /// <summary>
    /// After a write here: a copy that changed the rows of a user in buckets (sent by a silo that had not heard of the move,
    /// or a repair) changed a bucket's pages; and fans added here may be due to move the user.
    /// </summary>
    private async Task AfterWriteAsync(FanWriteResult written)
    {
        if (written.Changed > 0 && bucketMap.TryGetBuckets(Me, out var buckets))
        {
            await InvalidateBucketsAsync(buckets);
        }

        await MoveIntoBucketsIfDueAsync(written.Added);
    }

    /// <summary>
    /// After every <see cref="FanBucketOptions.CheckEvery"/> fans added in this activation, reads the fan count; past the
    /// threshold, lists the user in <c>fan_buckets</c>. That is the whole move: the rows stay, the count stays one row,
    /// and whichever grain writes a copy writes it under the same row lock, so nothing can be lost or counted twice; a
    /// bucket reads exactly the rows of its followers, whoever wrote them.
    /// </summary>
    private async Task MoveIntoBucketsIfDueAsync(int added)
    {
        var settings = bucketOptions.Value;
        _addedSinceCheck += added;
        if (_bucketed || _addedSinceCheck < settings.CheckEvery)
        {
            return;
        }

        _addedSinceCheck = 0;
        if (bucketMap.TryGetBuckets(Me, out _))
        {
            _bucketed = true;
            return;
        }

        var fans = await store.GetCountAsync(EdgeDirection.Fans, Me);
        if (fans >= settings.Threshold)
        {
            var buckets = await bucketMap.AddAsync(Me, settings.Buckets);
            _bucketed = true;
            metrics.RecordMovedIntoBuckets();
            LogMovedIntoBuckets(logger, Me.Value, fans, buckets);
        }
    }

    private Task InvalidateBucketsAsync(int buckets) => Task.WhenAll(Enumerable.Range(0, buckets).Select(b => Bucket(b).InvalidateAsync()));

    private IFanBucketGrain Bucket(int bucket) =>
        GrainFactory.GetGrain<IFanBucketGrain>(Me.Value, FanBucketMap.BucketStream(RedundancyOptions.FollowStream, bucket));
}
