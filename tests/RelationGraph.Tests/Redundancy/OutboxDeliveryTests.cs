using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Streams;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// How the outbox stream provider (Stream mode) delivers: again after a failure or a lost confirmation, past a poison
/// event, to the dead letters after persistent failure and back by replay, to a fan grain nothing activated, and past
/// an event committed out of sequence order. Faults come through the data (payloads, and triggers on a shard's
/// tables), so the silos run unchanged. One two-silo cluster for the class; each test uses users of its own.
/// </summary>
public sealed class OutboxDeliveryTests(OutboxDeliveryTests.Fixture fixture) : IClassFixture<OutboxDeliveryTests.Fixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Deliveries_that_fail_are_redelivered_until_the_fan_grain_applies_them()
    {
        var users = fixture.NewUsers(20);
        var faults = new List<ShardFault>();
        using var redelivered = fixture.Measure("relationgraph.streams.redelivered");
        try
        {
            // The first two fan writes of these users on every shard fail, as a subscriber that crashes would.
            foreach (var shard in fixture.Shards.All)
            {
                faults.Add(await ShardFault.FailFanWritesAsync(shard, $"NEW.owner_id BETWEEN {users[0]} AND {users[^1]}", times: 2, Token));
            }

            var workload = new RandomFollowWorkload(users, 200, seed: 3);
            await workload.RunAsync(fixture.Client, workers: 4, progress: null, Token);

            await workload.AssertConvergedAsync(fixture.Client, fixture.Store, Deadline, Token);
            foreach (var fault in faults)
            {
                // Every shard's fan writes did fail twice; the convergence above shows what failed was delivered again.
                // (How many more times the trigger fires depends on how the retries were batched, so it is not counted.)
                Assert.True(await fault.FiredAsync(Token) >= 2, "a shard's fan writes never met the injected failures");
            }

            Assert.True(redelivered.Total > 0, "no delivery was retried");
        }
        finally
        {
            foreach (var fault in faults)
            {
                await fault.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_event_whose_delivery_confirmation_is_lost_is_delivered_again_and_applied_once()
    {
        var (fan, star) = fixture.NewPair();
        var shard = fixture.Shards.For(fan);
        using var redelivered = fixture.Measure("relationgraph.streams.redelivered");
        await using var lost = await ShardFault.LoseConfirmationsAsync(shard, $"OLD.stream_key = {star}", times: 1, Token);

        Assert.True((await fixture.Client.FollowAsync(fan, star, Token)).Changed);

        // The first confirmation deletes nothing; once the lease lapses the row is read and delivered again, then confirmed.
        await Eventually.WaitAsync(
            async ct => await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the event never left its queue",
            Token);
        Assert.Equal(2, await lost.FiredAsync(Token));
        Assert.True(redelivered.Total > 0, "the second read was not counted as a redelivery");
        Assert.True(await fixture.Store.IsFanAsync(star, fan, Token));
        Assert.Equal(new Counts(star, 0, 1), await fixture.Client.GetCountsAsync(star, Token));
    }

    [Fact]
    public async Task A_poison_event_is_dead_lettered_alone_with_the_metric_and_its_stream_moves_on_until_replayed_after_repair()
    {
        var star = fixture.NewUser();
        var (first, second, third) = (fixture.NewUser(), fixture.NewUser(), fixture.NewUser());
        var shard = fixture.Shards.All[0];
        var deadLettered = fixture.Cluster.Sum(m => m.DeadLetteredTotal);

        // Committed together, the three rows are read in one batch for the star's stream; the middle one is no event at all.
        await fixture.AppendAsync(shard, star, [fixture.Follow(first, star), [0x00], fixture.Follow(second, star)], Token);

        await Eventually.WaitAsync(
            async ct => await shard.DeadLettersAsync(star, ct) == 1
                && await fixture.Store.IsFanAsync(star, first, ct) && await fixture.Store.IsFanAsync(star, second, ct)
                && await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the poison event was not dead-lettered alone, or the good ones did not land",
            Token);
        Assert.Equal(deadLettered + 1, fixture.Cluster.Sum(m => m.DeadLetteredTotal));
        Assert.Equal(2, await fixture.Store.GetCountAsync(EdgeDirection.Fans, star, Token));

        // An operator repairs the payload, then replays: the event is delivered like any other.
        await shard.ExecuteAsync("UPDATE stream_dead_letters SET payload = $1 WHERE stream_key = $2", Token, fixture.Follow(third, star), star.Value);
        Assert.True(await OutboxDeadLetters.ReplayAsync(fixture.Shards, Token) >= 1, "nothing was replayed");
        await Eventually.WaitAsync(
            async ct => await fixture.Store.IsFanAsync(star, third, ct) && await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the replayed event did not land",
            Token);
        Assert.Equal(0, await shard.DeadLettersAsync(star, Token));
        Assert.Equal(new Counts(star, 0, 3), await fixture.Client.GetCountsAsync(star, Token));
    }

    [Fact]
    public async Task An_event_its_fan_grain_keeps_failing_is_dead_lettered_alone_with_the_metric_and_lands_on_replay_once_the_fault_is_cleared()
    {
        var star = fixture.NewUser();
        var (good, bad, alsoGood) = (fixture.NewUser(), fixture.NewUser(), fixture.NewUser());
        var shard = fixture.Shards.All[1];
        var deadLettered = fixture.Cluster.Sum(m => m.DeadLetteredTotal);
        await using var fault = await ShardFault.FailFanWritesAsync(fixture.Shards.For(star), $"NEW.owner_id = {star} AND NEW.other_id = {bad}", times: null, Token);

        // One batch: its delivery fails as a whole, then each event is delivered alone and only the failing one is dead-lettered.
        await fixture.AppendAsync(shard, star, [fixture.Follow(good, star), fixture.Follow(bad, star), fixture.Follow(alsoGood, star)], Token);

        await Eventually.WaitAsync(
            async ct => await shard.DeadLettersAsync(star, ct) == 1 && await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the failing event was not dead-lettered",
            Token);
        Assert.Equal(deadLettered + 1, fixture.Cluster.Sum(m => m.DeadLetteredTotal));
        var letter = fixture.Serializer.Deserialize<object>(
            await shard.ScalarAsync<byte[]>("SELECT payload FROM stream_dead_letters WHERE stream_key = $1", Token, star.Value));
        Assert.Equal(bad, Assert.IsType<FollowChanged>(letter).Follower);
        Assert.True(await fixture.Store.IsFanAsync(star, good, Token));
        Assert.True(await fixture.Store.IsFanAsync(star, alsoGood, Token));
        Assert.False(await fixture.Store.IsFanAsync(star, bad, Token));

        await fault.ClearAsync(Token);
        Assert.True(await OutboxDeadLetters.ReplayAsync(fixture.Shards, Token) >= 1, "nothing was replayed");
        await Eventually.WaitAsync(
            async ct => await fixture.Store.IsFanAsync(star, bad, ct) && await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the replayed event did not land",
            Token);
        Assert.Equal(0, await shard.DeadLettersAsync(star, Token));
        Assert.Equal(new Counts(star, 0, 3), await fixture.Client.GetCountsAsync(star, Token));
    }

    [Fact]
    public async Task An_event_for_a_fan_grain_that_was_never_active_activates_it_and_lands()
    {
        var (fan, star) = fixture.NewPair();
        var shard = fixture.Shards.For(fan);
        var grain = fixture.Cluster.Client.GetGrain<IFanGrain>(star.Value).GetGrainId();
        Assert.False(fixture.Cluster.TryGetGrainContext(grain, out _), "the star's fan grain is active before the test");

        // No grain call touches the star: only the stream can activate its fan grain. Orleans would acknowledge the event
        // without processing it if the grain attached no observer; the fan row shows it attached.
        await fixture.AppendAsync(shard, star, [fixture.Follow(fan, star)], Token);

        await Eventually.WaitAsync(
            async ct => await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the event never left its queue",
            Token);
        Assert.True(await fixture.Store.IsFanAsync(star, fan, Token), "the event left the queue but its fan row is missing");
        Assert.Equal(1, await fixture.Store.GetCountAsync(EdgeDirection.Fans, star, Token));
        Assert.Equal(0, await shard.DeadLettersAsync(star, Token));
        Assert.True(fixture.Cluster.TryGetGrainContext(grain, out _), "the fan grain was not activated by its stream");
    }

    [Fact]
    public async Task An_event_left_in_a_queue_a_smaller_queue_count_no_longer_has_is_taken_in_and_lands()
    {
        var (fan, star) = fixture.NewPair();
        var shard = fixture.Shards.For(fan);

        // As a deployment with more queues per database would have left it: no receiver reads a queue this high.
        var gone = fixture.QueuesPerDatabase + StreamQueue.QueueOf(star.Value, fixture.QueuesPerDatabase);
        await shard.ExecuteAsync(
            "INSERT INTO stream_events (queue, namespace, stream_key, payload) VALUES ($1, $2, $3, $4)",
            Token, gone, RedundancyOptions.FollowStream, star.Value, fixture.Follow(fan, star));

        await Eventually.WaitAsync(async ct => await shard.WaitingAsync(star, ct) == 0, Deadline, () => "the stranded event never left its queue", Token);
        Assert.True(await fixture.Store.IsFanAsync(star, fan, Token), "the event left the queue but its fan row is missing");
        Assert.Equal(1, await fixture.Store.GetCountAsync(EdgeDirection.Fans, star, Token));
    }

    [Fact]
    public async Task An_event_whose_transaction_commits_after_an_event_with_a_later_sequence_is_delivered()
    {
        var star = fixture.NewUser();
        var shard = fixture.Shards.For(fixture.NewUser());
        var early = fixture.NewUser(u => fixture.Shards.For(u) == shard);
        var late = fixture.NewUser(u => fixture.Shards.For(u) == shard);

        // A follow whose transaction takes its outbox sequence first but commits last.
        await using var held = new NpgsqlConnection(shard.ConnectionString);
        await held.OpenAsync(Token);
        await using var transaction = await held.BeginTransactionAsync(Token);
        var now = DateTimeOffset.UtcNow;
        await using (var following = RedundancyCluster.Command(held, "SELECT apply_edge($1, 1::smallint, $2, 1::smallint, $3)", early.Value, star.Value, now))
        {
            await following.ExecuteNonQueryAsync(Token);
        }

        long earlySequence;
        await using (var outbox = RedundancyCluster.Command(
            held,
            "INSERT INTO stream_events (queue, namespace, stream_key, payload) VALUES ($1, $2, $3, $4) RETURNING sequence",
            StreamQueue.QueueOf(star.Value, fixture.QueuesPerDatabase), RedundancyOptions.FollowStream, star.Value, fixture.Follow(early, star, now)))
        {
            earlySequence = (long)(await outbox.ExecuteScalarAsync(Token))!;
        }

        // The later follow goes to the same queue of the same shard, and commits with a later sequence.
        Assert.True((await fixture.Client.FollowAsync(late, star, Token)).Changed);
        await Eventually.WaitAsync(
            ct => fixture.Store.IsFanAsync(star, late, ct),
            Deadline,
            () => "the later follow did not land while the earlier transaction was open",
            Token);
        Assert.False(await fixture.Store.IsFanAsync(star, early, Token));
        Assert.True(
            await shard.ScalarAsync<long>("SELECT pg_sequence_last_value(pg_get_serial_sequence('stream_events', 'sequence')::regclass)", Token) > earlySequence,
            "the later follow did not take a later sequence");

        await transaction.CommitAsync(Token);

        await Eventually.WaitAsync(
            async ct => await fixture.Store.IsFanAsync(star, early, ct) && await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the event committed after a later sequence was never delivered",
            Token);
        Assert.Equal(new Counts(star, 0, 2), await fixture.Client.GetCountsAsync(star, Token));
    }

    [Fact]
    public async Task A_streams_events_that_arrive_while_its_batch_is_out_wait_in_the_queue_and_then_land_together()
    {
        var star = fixture.NewUser();
        var queue = StreamQueue.QueueOf(star.Value, fixture.QueuesPerDatabase);
        var other = fixture.NewUser(u => StreamQueue.QueueOf(u.Value, fixture.QueuesPerDatabase) == queue && fixture.Shards.For(u) != fixture.Shards.For(star));
        var fans = fixture.NewUsers(21);
        var shard = fixture.Shards.All[0];

        // The star's fan writes wait for a lock the test holds: its first batch stays out for delivery.
        const long StallLock = 0x5354_414C;
        await using var stall = await ShardFault.StallFanWritesAsync(fixture.Shards.For(star), $"NEW.owner_id = {star}", StallLock, Token);
        var held = await ShardFault.HoldLockAsync(fixture.Shards.For(star), StallLock, Token);
        try
        {
            await fixture.AppendAsync(shard, star, [fixture.Follow(fans[0], star)], Token);
            await Eventually.WaitAsync(
                async ct => await LeasedAsync(shard, star, ct) == 1,
                Deadline,
                () => "the star's first event was not taken for delivery",
                Token);

            // Committed one at a time, then an event of another stream of the same queue behind them: once that one has
            // landed, the receiver has read past the star's later events, and left them in the queue.
            foreach (var fan in fans[1..])
            {
                await fixture.AppendAsync(shard, star, [fixture.Follow(fan, star)], Token);
            }

            await fixture.AppendAsync(shard, other, [fixture.Follow(fans[0], other)], Token);
            await Eventually.WaitAsync(
                ct => fixture.Store.IsFanAsync(other, fans[0], ct),
                Deadline,
                () => "an event of another stream of the queue was held up behind the stalled one",
                Token);
            Assert.Equal(1, await LeasedAsync(shard, star, Token));
            Assert.Equal(fans.Count, await shard.WaitingAsync(star, Token));
        }
        finally
        {
            await held.DisposeAsync();
        }

        await Eventually.WaitAsync(
            async ct => await shard.WaitingAsync(star, ct) == 0,
            Deadline,
            () => "the star's events did not land once its fan writes went on",
            Token);
        foreach (var fan in fans)
        {
            Assert.True(await fixture.Store.IsFanAsync(star, fan, Token), $"{fan} is not among the star's fans");
        }

        Assert.Equal(new Counts(star, 0, fans.Count), await fixture.Client.GetCountsAsync(star, Token));
    }

    /// <summary>Outbox rows of stream <paramref name="key"/> on <paramref name="shard"/> that a receiver holds.</summary>
    private static Task<long> LeasedAsync(Shard shard, UserId key, CancellationToken cancellationToken) =>
        shard.ScalarAsync<long>("SELECT count(*) FROM stream_events WHERE stream_key = $1 AND lease_owner IS NOT NULL", cancellationToken, key.Value);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A two-silo Stream-mode cluster with quick retries and leases, and a client.</summary>
    public sealed class Fixture(PostgresFixture postgres) : IAsyncLifetime
    {
        private long _nextUser = 100_000;

        public TestCluster Cluster { get; private set; } = null!;

        public RelationGraphClient Client { get; private set; } = null!;

        public ShardSet Shards => Cluster.Shards();

        public EdgeStore Store => Cluster.Store();

        public Serializer Serializer => Cluster.Services().GetRequiredService<Serializer>();

        public int QueuesPerDatabase => Cluster.Services().GetRequiredService<IOptions<StreamOptions>>().Value.QueuesPerDatabase;

        public async ValueTask InitializeAsync()
        {
            // A subscriber failing at once is called 4 times, 0.5, 1 and 2 s apart, before its batch is split or dead-lettered:
            // Orleans bounds the retries by time (4.5 s here), so the window must leave room for slow calls on a busy machine.
            Cluster = await RedundancyCluster.StartAsync(postgres, "Stream", new Dictionary<string, string?>
            {
                ["RelationGraph:Streams:MaxDeliveryAttempts"] = "4",
                ["RelationGraph:Streams:DeliveryRetryDelay"] = "00:00:00.500",
                ["RelationGraph:Streams:MaxDeliveryRetryDelay"] = "00:00:02",
                ["RelationGraph:Streams:LeaseDuration"] = "00:00:02",
            }, silos: 2);
            Client = await Cluster.ConnectRelationGraphClientAsync(cancellationToken: TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (Client is not null)
            {
                await Client.DisposeAsync();
            }

            if (Cluster is not null)
            {
                await Cluster.DisposeAsync();
            }
        }

        public UserId NewUser() => new(Interlocked.Increment(ref _nextUser));

        public UserId NewUser(Func<UserId, bool> fits)
        {
            while (true)
            {
                var user = NewUser();
                if (fits(user))
                {
                    return user;
                }
            }
        }

        public (UserId Fan, UserId Star) NewPair() => (NewUser(), NewUser());

        public List<UserId> NewUsers(int count)
        {
            var first = Interlocked.Add(ref _nextUser, count) - count + 1;
            return RedundancyCluster.Users(first, count);
        }

        /// <summary>The outbox payload of a follow, as the following grain writes it.</summary>
        public byte[] Follow(UserId fan, UserId star, DateTimeOffset? at = null) =>
            Serializer.SerializeToArray<object>(new FollowChanged(fan, star, EdgeState.Active, at ?? DateTimeOffset.UtcNow));

        /// <summary>Appends <paramref name="payloads"/> for <paramref name="star"/>'s stream to its queue on <paramref name="shard"/>, in one statement.</summary>
        public Task AppendAsync(Shard shard, UserId star, byte[][] payloads, CancellationToken cancellationToken) =>
            shard.ExecuteAsync(
                "INSERT INTO stream_events (queue, namespace, stream_key, payload) SELECT $1, $2, $3, unnest($4::bytea[])",
                cancellationToken,
                StreamQueue.QueueOf(star.Value, QueuesPerDatabase), RedundancyOptions.FollowStream, star.Value, payloads);

        /// <summary>Sums what the silos' stream meters record on <paramref name="instrument"/> from now until disposed.</summary>
        public MeterTotal Measure(string instrument) =>
            new(Cluster.Silos.Select(s => Cluster.Services(s).GetRequiredService<IMeterFactory>().Create(StreamMetrics.MeterName)).ToHashSet(), instrument);
    }

    /// <summary>A running total of one counter of a set of meters (one per silo).</summary>
    public sealed class MeterTotal : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public MeterTotal(HashSet<Meter> meters, string instrument)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (meters.Contains(published.Meter) && published.Name == instrument)
                {
                    listener.EnableMeasurementEvents(published);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
