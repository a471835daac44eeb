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
/// then has the fan grain, which serves the pages and the count, forget what it cached.
/// </summary>
[RegexImplicitStreamSubscription(RedundancyOptions.FollowBucketStreams)]
public sealed class FanBucketGrain(EdgeStore store, FanMetrics metrics, TimeProvider time)
    : Grain, IFanBucketGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<FollowChanged>
{
    private FanWrites? _writes;

    private UserId User => new(this.GetPrimaryKeyLong(out _));

    private FanWrites Writes => _writes ??= new(store, metrics, time, User);

    public async Task<bool> ApplyAsync(FollowChanged change)
    {
        var changed = await Writes.ApplyAsync(change);
        await ForgetCachedIfAsync(changed);
        return changed;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<FollowChanged>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<FollowChanged>> items) => await ForgetCachedIfAsync((await Writes.ApplyDeliveryAsync(items)).Changed > 0);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private Task ForgetCachedIfAsync(bool changed) =>
        changed ? GrainFactory.GetGrain<IFanGrain>(User.Value).InvalidateAsync() : Task.CompletedTask;
}
