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
/// then has the fan grain forget what it cached. It also serves pages of the user's whole fan list, the one index range
/// the fan grain reads, each kept for <see cref="FanBucketOptions.ReadCacheTimeToLive"/>. Readers pick a bucket at
/// random, so its own writes are no fresher to them than the other buckets', and its pages are not cleared by them:
/// a bucket writing back to back would otherwise never keep a page at all.
/// </summary>
[RegexImplicitStreamSubscription(RedundancyOptions.FollowBucketStreams)]
public sealed class FanBucketGrain(
    EdgeStore store,
    FanMetrics metrics,
    TimeProvider time,
    IOptions<ListCacheOptions> cacheOptions,
    IOptions<FanBucketOptions> bucketOptions,
    ListCacheBudget cacheBudget,
    ErasedUsers erasedUsers)
    : Grain, IFanBucketGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<FollowChanged>
{
    private readonly ListCache _cache = new(
        new ListCacheOptions
        {
            TimeToLive = TimeSpan.FromTicks(Math.Min(bucketOptions.Value.ReadCacheTimeToLive.Ticks, cacheOptions.Value.TimeToLive.Ticks)),
            MaxPages = cacheOptions.Value.MaxPages,
        },
        cacheBudget,
        time,
        erasedUsers);

    private FanWrites? _writes;
    private DeletionCheck? _deletion;

    private UserId User => new(this.GetPrimaryKeyLong(out _));

    private FanWrites Writes => _writes ??= new(store, metrics, time, User);

    private DeletionCheck Deletion => _deletion ??= new(store, User);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public async Task<bool> ApplyAsync(FollowChanged change)
    {
        var changed = await Writes.ApplyAsync(change);
        await ForgetCachedIfAsync(changed);
        return changed;
    }

    public Task<EdgePage> GetFansAsync(PageRequest page) =>
        Deletion.ReadPageAsync(check => _cache.GetPageAsync(page, p => store.GetPageAsync(EdgeDirection.Fans, User, p, check)));

    public Task MarkDeletedAsync()
    {
        Deletion.MarkDeleted();
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<FollowChanged>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<FollowChanged>> items) => await ForgetCachedIfAsync((await Writes.ApplyDeliveryAsync(items)).Changed > 0);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private Task ForgetCachedIfAsync(bool changed) =>
        changed ? GrainFactory.GetGrain<IFanGrain>(User.Value).InvalidateAsync() : Task.CompletedTask;
}
