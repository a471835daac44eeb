using Microsoft.Extensions.Options;
using Orleans.Serialization;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Grains;

/// <summary>
/// Owns one user's following list, the source of truth. A follow or unfollow is written here first; the followee's
/// <see cref="FanGrain"/> learns of it according to the deployment's <see cref="Redundancy"/>: at once before the
/// answer (Sync), from a stream event committed with the write (Stream), or from the replication log (Cdc).
/// </summary>
public sealed class FollowingGrain(
    EdgeStore store,
    Serializer serializer,
    TimeProvider timeProvider,
    IOptions<RedundancyOptions> options,
    IOptions<ListCacheOptions> cacheOptions,
    ListCacheBudget cacheBudget,
    ErasedUsers erasedUsers,
    IOptions<RateLimitOptions> rateLimitOptions,
    RateLimitMetrics rateLimitMetrics,
    FanBucketMap fanBuckets)
    : Grain, IFollowingGrain
{
    private readonly ListCache _cache = new(cacheOptions.Value, cacheBudget, timeProvider, erasedUsers);
    private readonly EventClock _clock = new(timeProvider);
    private SourceWrites? _writes;
    private UserRateLimiter? _rateLimiter;
    private DeletionCheck? _deletion;

    private UserId Me => new(this.GetPrimaryKeyLong());

    private DeletionCheck Deletion => _deletion ??= new(store, Me);

    private SourceWrites Writes => _writes ??= new(store, serializer, options.Value.Redundancy, GrainFactory, fanBuckets);

    private UserRateLimiter RateLimiter => _rateLimiter ??= new(Me, rateLimitOptions.Value, rateLimitMetrics, timeProvider);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public Task<FollowResult> FollowAsync(UserId target) => ChangeAsync(target, EdgeState.Active);

    public Task<FollowResult> UnfollowAsync(UserId target) => ChangeAsync(target, EdgeState.Removed);

    public Task<EdgePage> GetFollowingAsync(PageRequest page) =>
        Deletion.ReadPageAsync(check => _cache.GetPageAsync(page, p => store.GetPageAsync(EdgeDirection.Following, Me, p, check)));

    public Task<long> GetFollowingCountAsync() => Deletion.ReadAsync(() => _cache.GetCountAsync(() => store.GetCountAsync(EdgeDirection.Following, Me)));

    public async Task<bool> IsFollowingAsync(UserId target) =>
        (await store.GetAsync(EdgeDirection.Following, Me, target))?.State == EdgeState.Active;

    public async Task<Relation> GetRelationAsync(UserId other)
    {
        RejectSelf(other);
        await Deletion.EnsureNotDeletedAsync();
        return (await store.GetRelationsAsync(Me, [other]))[0];
    }

    public Task InvalidateAsync()
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public Task MarkDeletedAsync()
    {
        Deletion.MarkDeleted();
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    private async Task<FollowResult> ChangeAsync(UserId target, EdgeState state)
    {
        RejectSelf(target);
        RateLimiter.Take(state == EdgeState.Active ? UserWriteKind.Follow : UserWriteKind.Unfollow, DelayDeactivation);
        using var span = RelationGraphTracing.Source.StartActivity(state == EdgeState.Active ? "following grain follow" : "following grain unfollow");
        span?.SetTag("relationgraph.user", Me.Value);
        span?.SetTag("relationgraph.target", target.Value);

        // Written without reading the edge first: that is the common write, one that flips the edge with a newer event.
        // Any other (a repeat, an unfollow of no one, a newer event stored by a block or a repair) writes nothing, and the
        // edge is read to decide.
        var unread = await WriteAsync(new FollowChanged(Me, target, state, _clock.Next(null)), unread: true);
        if (unread != EdgeOutcome.Unapplied)
        {
            return new FollowResult(Me, target, state == EdgeState.Active, unread == EdgeOutcome.Changed);
        }

        var current = await store.GetAsync(EdgeDirection.Following, Me, target);
        if (current is null && state == EdgeState.Removed)
        {
            return new FollowResult(Me, target, Following: false, Changed: false);
        }

        if (current?.State == state)
        {
            await Writes.RepeatAsync(new FollowChanged(Me, target, state, current.EventAt));
            return new FollowResult(Me, target, state == EdgeState.Active, Changed: false);
        }

        var outcome = await WriteAsync(new FollowChanged(Me, target, state, _clock.Next(current)), unread: false);
        return new FollowResult(Me, target, state == EdgeState.Active, outcome == EdgeOutcome.Changed);
    }

    private async Task<EdgeOutcome> WriteAsync(FollowChanged change, bool unread)
    {
        if (options.Value.Redundancy == Redundancy.Cdc)
        {
            await store.AnnounceTraceAsync(Me, change.Followee);
        }

        return await _cache.WriteAsync(() => Writes.WriteAsync(EdgeDirection.Following, change, unread));
    }

    private void RejectSelf(UserId other)
    {
        if (other == Me)
        {
            throw new ArgumentException($"User {Me} cannot follow or relate to themselves.", nameof(other));
        }
    }
}
