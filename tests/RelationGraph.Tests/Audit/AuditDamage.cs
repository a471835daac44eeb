using Orleans.TestingHost;
using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Tests.Audit;

/// <summary>A fixed mix of damage injected into the shards, and what a check covering it must find.</summary>
internal sealed record AuditDamage(AuditCounts Expected, int NewKeys, int ShardsTouched)
{
    /// <summary>
    /// Among <paramref name="edges"/> (all active, both copies in step): 6 fan rows lost (row and count), 6 fan rows aged, 6
    /// fan rows without a following row, 4 double writes whose fan half rolled back, and 3 following counts drifted.
    /// The same call on the repaired edges injects the same damage again.
    /// </summary>
    public static async Task<AuditDamage> InjectAsync(TestCluster cluster, IReadOnlyList<(long Follower, long Followee)> edges, long firstUser, int users, CancellationToken ct)
    {
        var shards = new HashSet<int>();
        void Touch(long user) => shards.Add(cluster.ShardOf(user).Database.ShardId);

        foreach (var (follower, followee) in edges.Take(6))
        {
            await cluster.DeleteFanAsync(follower, followee, ct);
            await cluster.DriftCountAsync(followee, 2, -1, ct);
            Touch(followee);
        }

        foreach (var (follower, followee) in edges.Skip(6).Take(6))
        {
            await cluster.AgeFanAsync(follower, followee, ct);
            Touch(followee);
        }

        var existing = edges.ToHashSet();
        var fresh = Enumerable.Range(0, users).SelectMany(a => Enumerable.Range(0, users).Select(b => (Follower: firstUser + a, Followee: firstUser + users + b)))
            .Where(e => !existing.Contains(e)).Take(10).ToList();
        foreach (var (follower, followee) in fresh.Take(6))
        {
            await cluster.InsertOrphanFanAsync(follower, followee, ct);
            Touch(followee);
        }

        foreach (var (follower, followee) in fresh.Skip(6))
        {
            await cluster.HalfDoubleWriteAsync(follower, followee, ct);
            Touch(follower);
        }

        foreach (var follower in edges.Select(e => e.Follower).Distinct().Take(3))
        {
            await cluster.DriftCountAsync(follower, 1, 3, ct);
            Touch(follower);
        }

        return new AuditDamage(new AuditCounts(MissingFan: 10, OrphanFan: 6, StaleFan: 6, CountDrift: 3), NewKeys: fresh.Count, shards.Count);
    }
}
