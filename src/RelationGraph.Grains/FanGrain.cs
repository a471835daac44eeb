using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;
using RelationGraph.Actors;
using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>Owns one user's fan list, the reverse copy of followers' following rows, and the fan count.</summary>
public sealed class FanGrain(EdgeStore store, FanMetrics metrics, TimeProvider time, IOptions<ListCacheOptions> cacheOptions) : Grain, IFanGrain
{
    private readonly ListCache _cache = new(cacheOptions.Value, time);

    private UserId Me => new(GetPrimaryKeyLong());

    public Task<bool> ApplyAsync(FollowChanged change)
    {
        EnsureMine(change);
        return ApplyCoreAsync(change);
    }

    public Task ApplyAllAsync(IReadOnlyList<FollowChanged> changes)
    {
        foreach (var change in changes)
        {
            EnsureMine(change);
        }

        return ApplyAllCoreAsync(changes);
    }

    private async Task<bool> ApplyCoreAsync(FollowChanged change)
    {
        var changed = await _cache.WriteAsync(() => store.ApplyAsync(EdgeDirection.Fans, Me, change.Follower, change.State, change.OccurredAt));
        metrics.RecordLanding(time.GetUtcNow() - change.OccurredAt);
        return changed;
    }

    private async Task ApplyAllCoreAsync(IReadOnlyList<FollowChanged> changes)
    {
        await _cache.WriteAsync(() => store.ApplyAllAsync(EdgeDirection.Fans, Me, changes.Select(c => (c.Follower, c.State, c.OccurredAt))));
        var now = time.GetUtcNow();
        foreach (var change in changes)
        {
            metrics.RecordLanding(now - change.OccurredAt);
        }
    }

    private void EnsureMine(FollowChanged change)
    {
        if (change.Followee != Me || change.Follower == Me)
        {
            throw new ArgumentException($"Event {change} does not belong to the fan list of {Me}.", nameof(change));
        }
    }

    public Task<EdgePage> GetFansAsync(PageRequest page) => _cache.GetPageAsync(page, p => store.GetPageAsync(EdgeDirection.Fans, Me, p));

    public Task<long> GetFanCountAsync() => _cache.GetCountAsync(() => store.GetCountAsync(EdgeDirection.Fans, Me));
}
