using RelationGraph.Abstractions.Audit;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Audit;

/// <summary>
/// The full scan against damage injected straight into the shard databases, on several shards: every kind is found and
/// repaired, and the next run finds nothing. Each test runs a cluster of its own (a full scan covers every edge).
/// </summary>
public sealed class FullScanTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_full_scan_finds_and_repairs_every_kind_of_damage_and_the_next_run_finds_nothing()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Sync");
        var edges = await cluster.FollowManyAsync(firstUser: 1_000, users: 60, count: 400, seed: 1);
        var damage = await AuditDamage.InjectAsync(cluster, edges, firstUser: 1_000, users: 60, Token);
        Assert.True(damage.ShardsTouched >= 2, "the damage should span several shards");

        var first = await cluster.RunAsync(AuditKind.Full, Token);

        Assert.Equal(AuditRunState.Completed, first.State);
        Assert.Equal(damage.Expected, first.Found);
        Assert.Equal(damage.Expected, first.Repaired);
        Assert.Equal(edges.Count + damage.NewKeys, first.Scanned);
        Assert.Empty(await cluster.DivergencesAsync(Token));

        var second = await cluster.RunAsync(AuditKind.Full, Token);

        Assert.Equal(AuditCounts.None, second.Found);
        Assert.Equal(first.Scanned, second.Scanned);
        Assert.NotEqual(first.RunId, second.RunId);
    }

    [Fact]
    public async Task A_full_scan_purges_tombstones_past_the_horizon_on_both_sides_and_keeps_newer_ones()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Sync");
        var edges = await cluster.FollowManyAsync(firstUser: 5_000, users: 30, count: 60, seed: 2);
        foreach (var (follower, followee) in edges.Take(20))
        {
            await cluster.Client.GetGrain<Abstractions.IFollowingGrain>(follower).UnfollowAsync(new Abstractions.UserId(followee));
        }

        // Ten of the twenty tombstones are made old, on both sides.
        foreach (var (follower, followee) in edges.Take(10))
        {
            await cluster.ShardOf(follower).ExecuteAsync("UPDATE following SET event_at = event_at - interval '8 days' WHERE owner_id = $1 AND other_id = $2", Token, follower, followee);
            await cluster.ShardOf(followee).ExecuteAsync("UPDATE fans SET event_at = event_at - interval '8 days' WHERE owner_id = $1 AND other_id = $2", Token, followee, follower);
        }

        var run = await cluster.RunAsync(AuditKind.Full, Token);

        Assert.Equal(10, run.Purged);
        Assert.Equal(AuditCounts.None, run.Found);
        Assert.Equal(edges.Count - 10, await CountRowsAsync(cluster, "following"));
        Assert.Equal(edges.Count - 10, await CountRowsAsync(cluster, "fans"));
        Assert.Empty(await cluster.DivergencesAsync(Token));
    }

    private static async Task<long> CountRowsAsync(Orleans.TestingHost.TestCluster cluster, string table)
    {
        long rows = 0;
        foreach (var shard in cluster.Shards().All)
        {
            rows += await shard.ScalarAsync<long>($"SELECT count(*) FROM {table}", Token);
        }

        return rows;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
