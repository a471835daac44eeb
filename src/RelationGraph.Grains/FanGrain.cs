using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;

namespace RelationGraph.Grains;

/// <summary>
/// Owns one user's fan list, the reverse copy of followers' following rows, and the fan count; it also lands the
/// reverse copy of friend asks (<see cref="RelationKind.FriendAsk"/>), which ride the same stream. It is an implicit
/// subscriber of the follow stream keyed by its user: whichever stream provider carries the deployment's follow events
/// (the outbox in Stream mode, the replication feed in Cdc mode) delivers them here in batches. Once the user has more
/// fans than <see cref="FanBucketOptions.Threshold"/>, it moves the user into buckets (<c>FanGrain.Buckets.cs</c>):
/// from then on <see cref="FanBucketGrain"/>s write the copies and read the pages, which this grain merges; the count
/// stays here.
/// </summary>
[ImplicitStreamSubscription(RedundancyOptions.FollowStream)]
public sealed partial class FanGrain(
    EdgeStore store,
    FanMetrics metrics,
    TimeProvider time,
    IOptions<ListCacheOptions> cacheOptions,
    ListCacheBudget cacheBudget,
    ErasedUsers erasedUsers,
    FanBucketMap bucketMap,
    IOptions<FanBucketOptions> bucketOptions,
    ILogger<FanGrain> logger)
    : Grain, IFanGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<FollowChanged>
{
    private readonly ListCache _cache = new(cacheOptions.Value, cacheBudget, time, erasedUsers);
    private DeletionCheck? _deletion;
    private FanWrites? _writes;

    private UserId Me => new(this.GetPrimaryKeyLong());

    private DeletionCheck Deletion => _deletion ??= new(store, Me);

    private FanWrites Writes => _writes ??= new(store, metrics, time, Me);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public async Task<bool> ApplyAsync(FollowChanged change)
    {
        var changed = await _cache.WriteAsync(() => Writes.ApplyAsync(change));
        await AfterWriteAsync(new(changed ? 1 : 0, changed && change.State == EdgeState.Active && change.Kind == RelationKind.Follow ? 1 : 0));
        return changed;
    }

    public async Task ApplyAllAsync(IReadOnlyList<FollowChanged> changes) =>
        await AfterWriteAsync(await _cache.WriteAsync(() => Writes.ApplyAllAsync(changes)));

    public Task<EdgePage> GetFansAsync(PageRequest page) => bucketMap.TryGetBuckets(Me, out var buckets)
        ? Deletion.ReadAsync(() => GetMergedFansAsync(buckets, page))
        : Deletion.ReadPageAsync(check => _cache.GetPageAsync(page, p => store.GetPageAsync(EdgeDirection.Fans, Me, p, check)));

    public Task<long> GetFanCountAsync() => Deletion.ReadAsync(() => _cache.GetCountAsync(() => store.GetCountAsync(EdgeDirection.Fans, Me)));

    public Task MarkDeletedAsync()
    {
        Deletion.MarkDeleted();
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    // Orleans acknowledges an event whose implicit subscriber attached no observer without processing it, so the
    // grain attaches on every activation, whatever provider the subscription comes from.
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<FollowChanged>().ResumeAsync(this);

    // Once the user is in buckets, events still arrive here from silos that have not heard yet (and, in Cdc mode, from
    // the replication feed): they are written here, into the same rows a bucket would write.
    public async Task OnNextAsync(IList<SequentialItem<FollowChanged>> items) =>
        await AfterWriteAsync(await _cache.WriteAsync(() => Writes.ApplyDeliveryAsync(items)));

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task InvalidateAsync()
    {
        _cache.Invalidate();
        return bucketMap.TryGetBuckets(Me, out var buckets) ? InvalidateBucketsAsync(buckets) : Task.CompletedTask;
    }

    public Task BucketChangedAsync()
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }
}
