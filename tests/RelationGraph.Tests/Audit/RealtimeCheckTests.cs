using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Audit;

/// <summary>
/// The real-time check re-reads sampled edge changes after a delay and repairs what still differs; it must never turn
/// replication that is merely in flight into a wrong final state, and repairs racing the stream must converge.
/// </summary>
public sealed class RealtimeCheckTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, string?> Realtime = new()
    {
        ["RelationGraph:Audit:RealtimeEnabled"] = "true",
        ["RelationGraph:Audit:RealtimeDelay"] = "00:00:01",
        ["RelationGraph:Audit:RealtimeSampleRate"] = "1",
        ["RelationGraph:Audit:RealtimePollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task The_real_time_check_repairs_a_lost_event_and_lets_an_event_in_flight_land_in_the_right_state()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Stream", Realtime);
        var store = cluster.Store();

        // A lost event: the outbox row of 1 -> 2 is never written.
        var lostShard = cluster.ShardOf(1_001);
        await lostShard.ExecuteAsync("""
            CREATE FUNCTION rg_test_drop_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
            CREATE TRIGGER rg_test_drop_event BEFORE INSERT ON stream_events FOR EACH ROW WHEN (NEW.stream_key = 1002) EXECUTE FUNCTION rg_test_drop_event();
            """, Token);
        await cluster.Client.GetGrain<IFollowingGrain>(1_001).FollowAsync(new UserId(1_002));
        await lostShard.ExecuteAsync("DROP TRIGGER rg_test_drop_event ON stream_events", Token);
        await Eventually.WaitAsync(ct => store.IsFanAsync(new UserId(1_002), new UserId(1_001), ct), Deadline, () => "the lost fan row was not repaired", Token);
        var afterLost = await cluster.Auditor().GetRealtimeTotalsAsync();
        Assert.Equal(1, afterLost.Found.MissingFan);
        Assert.Equal(1, afterLost.Repaired.MissingFan);

        // Events in flight: 3 follows 4 (delivered), then unfollows and follows again while the stream holds both events.
        const long follower = 1_003, followee = 1_004;
        var grain = cluster.Client.GetGrain<IFollowingGrain>(follower);
        await grain.FollowAsync(new UserId(followee));
        await Eventually.WaitAsync(ct => store.IsFanAsync(new UserId(followee), new UserId(follower), ct), Deadline, () => "the first follow never landed", Token);
        var shard = cluster.ShardOf(follower);
        await shard.ExecuteAsync($"""
            CREATE FUNCTION rg_test_hold_event() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.leased_until := now() + interval '1 hour'; NEW.lease_owner := gen_random_uuid(); RETURN NEW; END $$;
            CREATE TRIGGER rg_test_hold_event BEFORE INSERT ON stream_events FOR EACH ROW WHEN (NEW.stream_key = {followee}) EXECUTE FUNCTION rg_test_hold_event();
            """, Token);
        await grain.UnfollowAsync(new UserId(followee));
        await grain.FollowAsync(new UserId(followee));
        var source = await store.GetAsync(EdgeDirection.Following, new UserId(follower), new UserId(followee), Token);

        // The check sees the fan copy older than the source and applies the source's own (newest) event.
        await Eventually.WaitAsync(async ct => (await store.GetAsync(EdgeDirection.Fans, new UserId(followee), new UserId(follower), ct))?.EventAt == source!.EventAt,
            Deadline, () => "the real-time check did not bring the fan copy up to the source", Token);

        // Then the held events arrive, older ones included, and change nothing.
        await shard.ExecuteAsync("DROP TRIGGER rg_test_hold_event ON stream_events; UPDATE stream_events SET leased_until = NULL, lease_owner = NULL", Token);
        await Eventually.WaitAsync(async ct => await shard.WaitingAsync(new UserId(followee), ct) == 0, Deadline, () => "the held events were never delivered", Token);

        var fan = await store.GetAsync(EdgeDirection.Fans, new UserId(followee), new UserId(follower), Token);
        Assert.Equal(source, fan);
        Assert.Equal(1, await store.GetCountAsync(EdgeDirection.Fans, new UserId(followee), Token));
        Assert.Empty(await cluster.DivergencesAsync(Token));
        // Every one of the four source changes is sampled and checked once; only the lost event was a divergence.
        var totals = await Eventually.ValueAsync(_ => cluster.Auditor().GetRealtimeTotalsAsync(), t => t.Checked >= 4, Deadline, "real-time totals", Token);
        Assert.Equal(4, totals.Checked);
        Assert.Equal(1, totals.Found.MissingFan);
    }

    [Fact]
    public async Task Repairs_racing_the_stream_under_a_random_workload_converge_to_the_acknowledged_operations()
    {
        var settings = new Dictionary<string, string?>(Realtime) { ["RelationGraph:Audit:RealtimeDelay"] = "00:00:00" };
        await using var cluster = await AuditCluster.StartAsync(postgres, "Stream", settings);
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        var workload = new RandomFollowWorkload(RedundancyCluster.Users(2_000, 30), 600, seed: 7);

        // Full and incremental scans run back to back while the workload writes and the stream replicates.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var scans = Task.Run(async () =>
        {
            var runs = 0;
            while (!stop.IsCancellationRequested)
            {
                await cluster.RunAsync(runs++ % 2 == 0 ? AuditKind.Full : AuditKind.Incremental, Token);
            }

            return runs;
        }, Token);
        await workload.RunAsync(client, workers: 8, progress: null, Token);
        await stop.CancelAsync();
        var runs = await scans;

        workload.AssertAllAcknowledged();
        await workload.AssertConvergedAsync(client, cluster.Store(), Deadline, Token);
        await Eventually.WaitAsync(async ct => (await cluster.DivergencesAsync(ct)).Count == 0, Deadline, () => "copies still differ", Token);
        Assert.True(runs >= 2, $"scans ran during the workload ({runs})");
        Assert.True((await cluster.Auditor().GetRealtimeTotalsAsync()).Checked > 0);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
