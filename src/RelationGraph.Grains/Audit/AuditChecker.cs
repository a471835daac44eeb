using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// What every check shares: confirming a suspected divergence with a fresh read of both copies (the fan copy first,
/// then the source, so replication that lands in between is seen as such), and repairing it through the fan grain's own
/// idempotent last-writer-wins apply, the write the stream uses, or by recounting.
/// </summary>
public sealed class AuditChecker(AuditStore store, IGrainFactory grains)
{
    /// <summary>The shards' store.</summary>
    public AuditStore Store => store;

    /// <summary>The divergences among <paramref name="pairs"/> still present in a fresh read, and their repairs.</summary>
    public async Task<(AuditCounts Found, List<FanRepair> Repairs)> ConfirmAsync(IReadOnlyCollection<EdgePair> pairs, CancellationToken cancellationToken)
    {
        var repairs = new List<FanRepair>();
        if (pairs.Count == 0)
        {
            return (AuditCounts.None, repairs);
        }

        var fans = await store.ReadPairsAsync(EdgeDirection.Fans, pairs, cancellationToken);
        var sources = await store.ReadPairsAsync(EdgeDirection.Following, pairs, cancellationToken);
        foreach (var pair in pairs.Distinct())
        {
            AuditRow? source = sources.TryGetValue(pair, out var s) ? s : null;
            var fanExists = fans.TryGetValue(pair, out var fan);
            if (PairCheck.Classify(source, fanExists ? fan : null) is { } kind)
            {
                var (state, eventAt) = PairCheck.Fix(source, fan, fanExists);
                repairs.Add(new FanRepair(pair.Follower, pair.Followee, state, eventAt, (int)kind));
            }
        }

        return (Tally(repairs.Select(r => (Divergence)r.Kind)), repairs);
    }

    /// <summary>The drifted following counts of <paramref name="followers"/> and fan counts of <paramref name="followees"/>.</summary>
    public async Task<List<(long Owner, short Direction)>> DriftedCountsOfAsync(IEnumerable<long> followers, IEnumerable<long> followees, CancellationToken cancellationToken)
    {
        var following = await store.FindCountDriftOfAsync(EdgeDirection.Following, followers, cancellationToken);
        var fans = await store.FindCountDriftOfAsync(EdgeDirection.Fans, followees, cancellationToken);
        return [.. following.Concat(fans).Select(d => (d.Owner, (short)d.Direction))];
    }

    /// <summary>Applies <paramref name="pending"/>; returns what it repaired.</summary>
    public async Task<AuditCounts> RepairAsync(PendingRepairs pending, CancellationToken cancellationToken)
    {
        foreach (var chunk in pending.Fans.GroupBy(r => r.Followee).Chunk(64))
        {
            await Task.WhenAll(chunk.Select(g => grains.GetGrain<IFanGrain>(g.Key).ApplyAllAsync(
                [.. g.Select(r => new FollowChanged(new UserId(r.Follower), new UserId(r.Followee), r.State, r.EventAt))])));
        }

        foreach (var (owner, direction) in pending.Counts)
        {
            await store.RecountAsync(new CountDrift(owner, (EdgeDirection)direction, null, 0), cancellationToken);
        }

        return Tally(pending.Fans.Select(r => (Divergence)r.Kind)).Add(new AuditCounts(0, 0, 0, pending.Counts.Count));
    }

    /// <summary>Counts per kind.</summary>
    public static AuditCounts Tally(IEnumerable<Divergence> kinds)
    {
        long missing = 0, orphan = 0, stale = 0, drift = 0;
        foreach (var kind in kinds)
        {
            switch (kind)
            {
                case Divergence.MissingFan: missing++; break;
                case Divergence.OrphanFan: orphan++; break;
                case Divergence.StaleFan: stale++; break;
                case Divergence.CountDrift: drift++; break;
            }
        }

        return new AuditCounts(missing, orphan, stale, drift);
    }
}
