using Microsoft.Extensions.Options;
using Orleans.Serialization;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Grains;

/// <summary>
/// Owns one user's following list, the source of truth. A follow or unfollow is written here first; the followee's
/// <see cref="FanGrain"/> learns of it according to the deployment's <see cref="Redundancy"/>: at once before the
/// answer (Sync), from a stream event committed with the write (Stream), or from the replication log (Cdc).
/// </summary>
public sealed class FollowingGrain(
    EdgeStore store, Serializer serializer, TimeProvider timeProvider, IOptions<RedundancyOptions> options, IOptions<ListCacheOptions> cacheOptions)
    : Grain, IFollowingGrain
{
    private readonly Redundancy _redundancy = options.Value.Redundancy;
    private readonly ListCache _cache = new(cacheOptions.Value, timeProvider);
    private DateTimeOffset _lastEventAt = DateTimeOffset.MinValue;

    private UserId Me => new(this.GetPrimaryKeyLong());

    public Task<FollowResult> FollowAsync(UserId target) => ChangeAsync(target, EdgeState.Active);

    public Task<FollowResult> UnfollowAsync(UserId target) => ChangeAsync(target, EdgeState.Removed);

    public Task<EdgePage> GetFollowingAsync(PageRequest page) => _cache.GetPageAsync(page, p => store.GetPageAsync(EdgeDirection.Following, Me, p));

    public Task<long> GetFollowingCountAsync() => _cache.GetCountAsync(() => store.GetCountAsync(EdgeDirection.Following, Me));

    public async Task<bool> IsFollowingAsync(UserId target) =>
        (await store.GetAsync(EdgeDirection.Following, Me, target))?.State == EdgeState.Active;

    public async Task<Relation> GetRelationAsync(UserId other)
    {
        RejectSelf(other);
        var following = IsFollowingAsync(other);
        var followedBy = GrainFactory.GetGrain<IFollowingGrain>(other.Value).IsFollowingAsync(Me);
        return new Relation(Me, other, await following, await followedBy);
    }

    private async Task<FollowResult> ChangeAsync(UserId target, EdgeState state)
    {
        RejectSelf(target);
        using var span = RelationGraphTracing.Source.StartActivity(state == EdgeState.Active ? "following grain follow" : "following grain unfollow");
        span?.SetTag("relationgraph.user", Me.Value);
        span?.SetTag("relationgraph.target", target.Value);
        var current = await store.GetAsync(EdgeDirection.Following, Me, target);
        if (current is null && state == EdgeState.Removed)
        {
            return new FollowResult(Me, target, Following: false, Changed: false);
        }

        if (current?.State == state)
        {
            if (_redundancy == Redundancy.Sync)
            {
                // Already so. Re-deliver the stored event: applying it is idempotent, and it repairs a fan copy
                // that missed it (say its shard was down when the first request wrote the following row).
                await GrainFactory.GetGrain<IFanGrain>(target.Value).ApplyAsync(new FollowChanged(Me, target, state, current.EventAt));
            }

            return new FollowResult(Me, target, state == EdgeState.Active, Changed: false);
        }

        var change = new FollowChanged(Me, target, state, NextEventTime(current));
        var outbox = _redundancy == Redundancy.Stream
            ? new StreamEvent(RedundancyOptions.FollowStream, target.Value, serializer.SerializeToArray<object>(change))
            : null;
        if (_redundancy == Redundancy.Cdc)
        {
            await store.AnnounceTraceAsync(Me, target);
        }

        var changed = await _cache.WriteAsync(() => store.ApplyAsync(EdgeDirection.Following, Me, target, state, change.OccurredAt, outbox));
        if (_redundancy == Redundancy.Sync)
        {
            await GrainFactory.GetGrain<IFanGrain>(target.Value).ApplyAsync(change);
        }

        return new FollowResult(Me, target, state == EdgeState.Active, changed);
    }

    /// <summary>
    /// The next event time: now, but always after this activation's previous event and after the edge's stored
    /// event, so the write wins last-writer-wins even when clocks differ between silos.
    /// </summary>
    private DateTimeOffset NextEventTime(EdgeRecord? current)
    {
        var floor = current is null || current.EventAt < _lastEventAt ? _lastEventAt : current.EventAt;
        var now = EventTime.Truncate(timeProvider.GetUtcNow());
        _lastEventAt = now > floor ? now : floor + EventTime.Resolution;
        return _lastEventAt;
    }

    private void RejectSelf(UserId other)
    {
        if (other == Me)
        {
            throw new ArgumentException($"User {Me} cannot follow or relate to themselves.", nameof(other));
        }
    }
}
