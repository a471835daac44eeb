using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;

namespace RelationGraph.Grains;

/// <summary>
/// One bucket of a celebrity's fan list (<see cref="IFanBucketGrain"/>): the implicit subscriber of the bucket's follow
/// stream (<c>follows/n</c>, keyed by the user), which carries the events of the followers that hash to it
/// (<see cref="FanBucketMap.BucketOf"/>). It writes them into the user's fan rows and count, as the fan grain would, and
/// serves its share of the user's pages from a cache that only its own writes (and writes around it) clear; the fan
/// grain, which merges the pages and serves the count, forgets what it cached after each change.
/// </summary>
[RegexImplicitStreamSubscription(RedundancyOptions.FollowBucketStreams)]
public sealed class FanBucketGrain(
    EdgeStore store, FanMetrics metrics, TimeProvider time, IOptions<ListCacheOptions> cacheOptions, ListCacheBudget cacheBudget)
    : Grain, IFanBucketGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<FollowChanged>
{
    private readonly ListCache _cache = new(cacheOptions.Value, cacheBudget, time);
    private FanWrites? _writes;

    private UserId User => new(this.GetPrimaryKeyLong(out _));

    private int Bucket
    {
        get
        {
            this.GetPrimaryKeyLong(out var stream);
            return FanBucketMap.BucketOfStream(stream!);
        }
    }

    private FanWrites Writes => _writes ??= new(store, metrics, time, User);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public async Task<bool> ApplyAsync(FollowChanged change)
    {
        var changed = await _cache.WriteAsync(() => Writes.ApplyAsync(change));
        await BucketChangedIfAsync(changed);
        return changed;
    }

    public Task<EdgePage> GetFansAsync(int buckets, PageRequest page) =>
        _cache.GetPageAsync(page, p => store.GetFanBucketPageAsync(User, Bucket, buckets, p));

    public Task InvalidateAsync()
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<FollowChanged>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<FollowChanged>> items) =>
        await BucketChangedIfAsync((await _cache.WriteAsync(() => Writes.ApplyDeliveryAsync(items))).Changed > 0);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private Task BucketChangedIfAsync(bool changed) =>
        changed ? GrainFactory.GetGrain<IFanGrain>(User.Value).BucketChangedAsync() : Task.CompletedTask;
}
