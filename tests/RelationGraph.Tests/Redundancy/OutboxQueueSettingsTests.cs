using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// The outbox queues' flow settings at their edges: an idle receiver woken by a commit on its own silo, and a full queue
/// pushing back on producers. Each test runs a one-silo Stream-mode cluster with the settings it needs.
/// </summary>
public sealed class OutboxQueueSettingsTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_event_committed_on_the_silo_pulling_its_queue_is_delivered_without_waiting_for_a_poll()
    {
        // An idle receiver waits up to MaxPollInterval (an hour) for a commit signal before reading again: only the wake-up
        // from the committing write can deliver these events in time. PollInterval is Orleans' agent timer, which only
        // starts the next (waiting) read.
        await using var cluster = await RedundancyCluster.StartAsync(postgres, "Stream", new Dictionary<string, string?>
        {
            ["RelationGraph:Streams:PollInterval"] = "00:00:00.010",
            ["RelationGraph:Streams:MaxPollInterval"] = "01:00:00",
        }, silos: 1);
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        var store = cluster.Store();

        // Each follow after the first finds the receivers idle again, waiting.
        for (var i = 0; i < 3; i++)
        {
            var (fan, star) = (new UserId(31 + (2 * i)), new UserId(32 + (2 * i)));
            Assert.True((await client.FollowAsync(fan, star, Token)).Changed);
            await Eventually.WaitAsync(ct => store.IsFanAsync(star, fan, ct), Deadline, () => $"follow {i} was not delivered", Token);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_full_queue_makes_producers_fail_with_OverloadedException_instead_of_growing(bool bucketed)
    {
        const int MaxQueueDepth = 20;
        await using var cluster = await RedundancyCluster.StartAsync(postgres, "Stream", new Dictionary<string, string?>
        {
            ["RelationGraph:Streams:MaxQueueDepth"] = MaxQueueDepth.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RelationGraph:Streams:MaxBackPressureWait"] = "00:00:00.300",
            ["RelationGraph:Streams:QueuesPerDatabase"] = "1",
        }, silos: 1);
        await using var client = await cluster.ConnectRelationGraphClientAsync(o => o.MaxAttempts = 1, Token);
        var (shards, store) = (cluster.Shards(), cluster.Store());
        Assert.Equal(1, cluster.Services().GetRequiredService<IOptions<StreamOptions>>().Value.QueuesPerDatabase);
        var celebrity = new UserId(1);
        var celebrityShard = shards.For(celebrity);
        if (bucketed)
        {
            await cluster.Services().GetRequiredService<FanBucketMap>().AddAsync(celebrity, 4, Token);
        }

        // The celebrity's fan grain stalls in its writes (they wait for a lock the test holds), so its events pile up in the
        // one queue of each shard. Fans live on the other shards, so no follow waits behind the stalled fan writes.
        const long StallLock = 4242;
        await using var stall = await ShardFault.StallFanWritesAsync(celebrityShard, $"NEW.owner_id = {celebrity}", StallLock, Token);
        var held = await ShardFault.HoldLockAsync(celebrityShard, StallLock, Token);
        var accepted = new List<UserId>();
        OverloadedException? overloaded = null;
        UserId rejected = default;
        try
        {
            for (var next = 2L; overloaded is null && next < 5_000; next++)
            {
                var fan = new UserId(next);
                if (shards.For(fan) == celebrityShard)
                {
                    continue;
                }

                try
                {
                    Assert.True((await client.FollowAsync(fan, celebrity, Token)).Changed);
                    accepted.Add(fan);
                }
                catch (OverloadedException exception)
                {
                    (overloaded, rejected) = (exception, fan);
                }
            }

            Assert.NotNull(overloaded);
            Assert.Contains($"more than {MaxQueueDepth}", overloaded.Message, StringComparison.Ordinal);

            // Nothing of the rejected follow was written, and its queue held what the bound allows, not everything offered.
            Assert.Null(await store.GetAsync(EdgeDirection.Following, rejected, celebrity, Token));
            var waiting = await shards.For(rejected).WaitingAsync(celebrity, Token);
            Assert.InRange(waiting, MaxQueueDepth + 1, accepted.Count);
            var inBuckets = await shards.For(rejected).ScalarAsync<long>(
                "SELECT count(*) FROM stream_events WHERE stream_key = $1 AND namespace <> 'follows'", Token, celebrity.Value);
            Assert.Equal(bucketed ? waiting : 0, inBuckets);

            // While the stall lasts, producers to that queue keep being turned away.
            await Assert.ThrowsAsync<OverloadedException>(() => client.FollowAsync(rejected, celebrity, Token));
        }
        finally
        {
            await held.DisposeAsync();
        }

        // Once the consumer moves again, every accepted follow lands, and the rejected one can be made.
        await Eventually.WaitAsync(
            async ct => await store.GetCountAsync(EdgeDirection.Fans, celebrity, ct) == accepted.Count,
            Deadline,
            () => $"the celebrity's {accepted.Count} accepted fans did not all land",
            Token);
        Assert.True((await client.FollowAsync(rejected, celebrity, Token)).Changed);
        await Eventually.WaitAsync(ct => store.IsFanAsync(celebrity, rejected, ct), Deadline, () => "the retried follow did not land", Token);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
