using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Audit;

/// <summary>
/// The incremental scan checks what changed since its checkpoint, a transaction position per shard: damage written into
/// the edge tables is found and repaired, and a change whose transaction commits after a later one is not skipped.
/// </summary>
[Collection(nameof(ChangeLogCollection))]
public sealed class IncrementalScanTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_incremental_scan_finds_and_repairs_damage_written_since_its_checkpoint_and_the_next_run_finds_nothing()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Sync");
        var edges = await cluster.FollowManyAsync(firstUser: 1_000, users: 60, count: 300, seed: 3);
        var baseline = await cluster.RunAsync(AuditKind.Incremental, Token);
        Assert.Equal(AuditCounts.None, baseline.Found);
        Assert.True(baseline.Scanned >= edges.Count, $"the first run checks every edge written so far ({baseline.Scanned} of {edges.Count})");

        var damage = await AuditDamage.InjectAsync(cluster, edges, firstUser: 1_000, users: 60, Token);

        // A drifted count is in no change log; it is covered here once its user's edges change again.
        var drifted = edges.Select(e => e.Follower).Distinct().Take(3).ToList();
        foreach (var user in drifted)
        {
            await cluster.Client.GetGrain<IFollowingGrain>(user).FollowAsync(new UserId(9_999));
        }

        var run = await cluster.RunAsync(AuditKind.Incremental, Token);

        Assert.Equal(damage.Expected, run.Found);
        Assert.Equal(damage.Expected, run.Repaired);
        Assert.True(run.Scanned < edges.Count, $"only changed edges are checked ({run.Scanned})");
        Assert.Empty(await cluster.DivergencesAsync(Token));
        Assert.Equal(AuditCounts.None, (await cluster.RunAsync(AuditKind.Incremental, Token)).Found);
    }

    [Fact]
    public async Task An_incremental_scan_catches_a_change_that_committed_after_a_later_one()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Sync");
        await cluster.FollowManyAsync(firstUser: 2_000, users: 20, count: 40, seed: 4);
        await cluster.RunAsync(AuditKind.Incremental, Token);

        // The early transaction writes a following row without its fan copy and stays open...
        const long follower = 2_100, followee = 2_101;
        await using var early = new NpgsqlConnection(cluster.ShardOf(follower).ConnectionString);
        await early.OpenAsync(Token);
        var transaction = await early.BeginTransactionAsync(Token);
        await using (var write = new NpgsqlCommand("SELECT apply_edge($1, 1::smallint, $2, 1::smallint, now())", early, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = follower });
            write.Parameters.Add(new NpgsqlParameter { Value = followee });
            await write.ExecuteNonQueryAsync(Token);
        }

        // ...while a later one commits, and a run goes by.
        await cluster.Client.GetGrain<IFollowingGrain>(2_102).FollowAsync(new UserId(2_103));
        var during = await cluster.RunAsync(AuditKind.Incremental, Token);
        Assert.Equal(AuditCounts.None, during.Found);

        await transaction.CommitAsync(Token);
        var after = await cluster.RunAsync(AuditKind.Incremental, Token);

        Assert.Equal(new AuditCounts(1, 0, 0, 0), after.Found);
        Assert.Equal(new AuditCounts(1, 0, 0, 0), after.Repaired);
        Assert.Empty(await cluster.DivergencesAsync(Token));
    }

    [Fact]
    public async Task An_outbox_event_deleted_before_delivery_is_found_by_the_incremental_scan()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Stream");
        const long follower = 3_000, followee = 3_001;
        var shard = cluster.ShardOf(follower);
        await shard.ExecuteAsync($"""
            CREATE FUNCTION rg_test_drop_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
            CREATE TRIGGER rg_test_drop_event BEFORE INSERT ON stream_events FOR EACH ROW WHEN (NEW.stream_key = {followee}) EXECUTE FUNCTION rg_test_drop_event();
            """, Token);
        await cluster.Client.GetGrain<IFollowingGrain>(follower).FollowAsync(new UserId(followee));
        await shard.ExecuteAsync("DROP TRIGGER rg_test_drop_event ON stream_events", Token);
        Assert.False(await cluster.Store().IsFanAsync(new UserId(followee), new UserId(follower), Token));

        var run = await cluster.RunAsync(AuditKind.Incremental, Token);

        Assert.Equal(new AuditCounts(1, 0, 0, 0), run.Found);
        Assert.True(await cluster.Store().IsFanAsync(new UserId(followee), new UserId(follower), Token));
        Assert.Empty(await cluster.DivergencesAsync(Token));
        Assert.Equal(AuditCounts.None, (await cluster.RunAsync(AuditKind.Full, Token)).Found);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
