using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Streams;
using RelationGraph.Streams.Cdc;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// Every redundancy mode must end in the same state: a straight replay of the acknowledged operations, also when a silo
/// is killed halfway. Each test runs a cluster of its own (the mode is a deployment's choice, and some tests kill a silo).
/// </summary>
public sealed class RedundancyModeTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    /// <summary>Short leases, so that rows a killed silo had read come back soon (a real crash releases nothing).</summary>
    private static readonly Dictionary<string, string?> KillSettings = new() { ["RelationGraph:Streams:LeaseDuration"] = "00:00:02" };

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task A_concurrent_random_workload_converges_to_a_replay_of_the_acknowledged_operations(string mode)
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, mode);
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        var workload = new RandomFollowWorkload(RedundancyCluster.Users(1, 40), 600, seed: 1);

        await workload.RunAsync(client, workers: 8, progress: null, Token);

        workload.AssertAllAcknowledged();
        await workload.AssertConvergedAsync(client, cluster.Store(), Convergence, Token);
    }

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task A_silo_killed_mid_workload_loses_no_acknowledged_follow_and_a_survivor_takes_over_its_queues(string mode)
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, mode, KillSettings, killsSilos: true);
        // A call whose answer dies with the victim (its gateway, or its grain) is repeated after 5 s rather than Orleans' 30.
        await using var client = await cluster.ConnectRelationGraphClientAsync(
            o =>
            {
                o.MaxAttempts = 12;
                o.ResponseTimeout = TimeSpan.FromSeconds(5);
            },
            Token);
        var workload = new RandomFollowWorkload(RedundancyCluster.Users(1, 40), 600, seed: 2);
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = workload.RunAsync(client, workers: 8, acknowledged => { if (acknowledged == workload.Operations / 3) third.TrySetResult(); }, Token);
        await third.Task.WaitAsync(Convergence, Token);
        var (victim, queues) = await ChooseVictimAsync(cluster, mode);
        var slotsBefore = mode == "Cdc" ? await ActiveSlotsAsync(cluster, cluster.Shards().All.Count) : [];
        await cluster.KillSiloAsync(victim, Token);
        await run;

        workload.AssertAllAcknowledged();
        await workload.AssertConvergedAsync(client, cluster.Store(), Convergence, Token);
        if (mode == "Sync")
        {
            return;
        }

        // Events written after the kill into each queue the victim pulled still land: a survivor pulls them now.
        var shards = cluster.Shards();
        var queuesPerDatabase = cluster.Services().GetRequiredService<IOptions<StreamOptions>>().Value.QueuesPerDatabase;
        var next = 1_000L;
        var follows = new List<(UserId Fan, UserId Star)>();
        var mapper = cluster.Services().GetRequiredKeyedService<IQueueAdapterFactory>(RedundancyCluster.ProviderOf(mode)).GetStreamQueueMapper();
        foreach (var queue in queues)
        {
            // An outbox queue is a numbered queue on the follower's shard; a Cdc queue is the follower's shard's slot.
            var (shard, number) = mapper is OutboxQueueMapper outbox ? (outbox.Decode(queue).ShardId, outbox.Decode(queue).Number) : (CdcQueueMapper.ShardOf(queue), -1);
            var fan = RedundancyCluster.FirstUser(next, u => shards.For(u).Database.ShardId == shard);
            var star = RedundancyCluster.FirstUser(fan.Value + 1, u => number < 0 || StreamQueue.QueueOf(u.Value, queuesPerDatabase) == number);
            next = Math.Max(fan.Value, star.Value) + 1;
            Assert.True((await client.FollowAsync(fan, star, Token)).Changed);
            follows.Add((fan, star));
        }

        var store = cluster.Store();
        await Eventually.WaitAsync(
            async ct => (await Task.WhenAll(follows.Select(f => store.IsFanAsync(f.Star, f.Fan, ct)))).All(landed => landed),
            Convergence,
            () => $"follows into the killed silo's queues [{string.Join(", ", queues)}] did not all land",
            Token);

        if (mode == "Cdc")
        {
            // Every slot is read again, the victim's by a new walsender: the survivor's replication connection.
            var slotsAfter = await ActiveSlotsAsync(cluster, slotsBefore.Count);
            foreach (var queue in queues)
            {
                var slot = CdcReplicationSlots.SlotName(shards.All[CdcQueueMapper.ShardOf(queue)].Database.Database);
                Assert.NotEqual(slotsBefore[slot], slotsAfter[slot]);
            }
        }
    }

    [Fact]
    public async Task Cdc_mode_creates_a_slot_per_shard_and_another_mode_drops_them()
    {
        var meta = postgres.NewDatabase("slots");
        ShardSet shards;
        await using (var cdc = await RedundancyCluster.StartAsync(postgres, "Cdc", silos: 1, meta: meta))
        {
            shards = cdc.Shards();
            Assert.Equal(
                shards.All.Select(s => CdcReplicationSlots.SlotName(s.Database.Database)).Order(),
                (await RedundancyCluster.SlotsAsync(postgres.Server.ConnectionString, shards, Token)).Select(s => s.Slot));
        }

        // The stopped silos' replication connections are closed; the server frees the slots as their walsenders exit.
        await Eventually.WaitAsync(
            async ct => (await RedundancyCluster.SlotsAsync(postgres.Server.ConnectionString, shards, ct)).All(s => !s.Active),
            Convergence,
            () => "the Cdc cluster's slots are still read after it stopped",
            Token);

        await using var stream = await RedundancyCluster.StartAsync(postgres, "Stream", silos: 1, meta: meta);
        Assert.Empty(await RedundancyCluster.SlotsAsync(postgres.Server.ConnectionString, stream.Shards(), Token));
    }

    /// <summary>
    /// A silo to kill: in Stream and Cdc mode one that pulls at least one queue (returned with it), so that a survivor must
    /// take over; the first silo only when no other pulls any.
    /// </summary>
    private static async Task<(SiloHandle Victim, IReadOnlyList<QueueId> Queues)> ChooseVictimAsync(TestCluster cluster, string mode)
    {
        if (mode == "Sync")
        {
            return (cluster.Silos[1], []);
        }

        var held = await cluster.QueueHoldersAsync(RedundancyCluster.ProviderOf(mode), Token);
        var victim = cluster.Silos.Where(s => held[s.SiloAddress].Count > 0).OrderBy(s => s == cluster.Silos[0]).ThenByDescending(s => held[s.SiloAddress].Count).First();
        return (victim, held[victim.SiloAddress]);
    }

    /// <summary>Waits until all <paramref name="count"/> slots are read; their reading backends by slot.</summary>
    private async Task<Dictionary<string, int>> ActiveSlotsAsync(TestCluster cluster, int count)
    {
        var slots = await Eventually.ValueAsync(
            ct => RedundancyCluster.SlotsAsync(postgres.Server.ConnectionString, cluster.Shards(), ct),
            s => s.Count == count && s.All(slot => slot.Active && slot.Pid is not null),
            Convergence,
            "every slot read",
            Token);
        return slots.ToDictionary(s => s.Slot, s => s.Pid!.Value);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
