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
/// fans than <see cref="FanBucketOptions.Threshold"/>, it moves the user into buckets: from then on
/// <see cref="FanBucketGrain"/>s write the copies and serve the pages readers send them, and this grain serves the count.
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
    private int _addedSinceCheck;
    private bool _bucketed;

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
        await MoveIntoBucketsIfDueAsync(changed && change.State == EdgeState.Active && change.Kind == RelationKind.Follow ? 1 : 0);
        return changed;
    }

    public async Task ApplyAllAsync(IReadOnlyList<FollowChanged> changes) =>
        await MoveIntoBucketsIfDueAsync((await _cache.WriteAsync(() => Writes.ApplyAllAsync(changes))).Added);

    public async Task<EdgePage> GetFansAsync(PageRequest page)
    {
        var fans = await Deletion.ReadPageAsync(check => _cache.GetPageAsync(page, p => store.GetPageAsync(EdgeDirection.Fans, Me, p, check)));

        // Tells the reader where this user's next reads are served (FanPageRouter).
        return bucketMap.TryGetBuckets(Me, out var buckets) ? fans with { Buckets = buckets } : fans;
    }

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
        await MoveIntoBucketsIfDueAsync((await _cache.WriteAsync(() => Writes.ApplyDeliveryAsync(items))).Added);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task InvalidateAsync()
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    /// <summary>
    /// After every <see cref="FanBucketOptions.CheckEvery"/> fans added in this activation, reads the fan count; past the
    /// threshold, lists the user in <c>fan_buckets</c>. That is the whole move: the rows stay, the count stays one row,
    /// and whichever grain writes a copy writes it under the same row lock, so nothing can be lost or counted twice.
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
}
