using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Actors.PostgreSql.Streams;
using RelationGraph.Actors.Serialization;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>Every redundancy mode must end in the same state: a straight replay of the acknowledged operations.</summary>
public sealed class RedundancyModeTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task A_concurrent_random_workload_converges_to_a_replay_of_the_acknowledged_operations(string mode)
    {
        await using var cluster = await StartAsync(mode);
        await using var client = await cluster.ConnectClientAsync(cancellationToken: Token);
        var workload = new RandomFollowWorkload(Users(40), 600, seed: 1);

        await workload.RunAsync(client, workers: 8, progress: null, Token);

        await workload.AssertConvergedAsync(client, Convergence, Token);
    }

    [Theory]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task No_acknowledged_operation_is_lost_when_a_silo_is_killed_mid_run(string mode)
    {
        await using var cluster = await StartAsync(mode);
        await using var client = await cluster.ConnectClientAsync(o => o.MaxAttempts = 12, Token);
        var workload = new RandomFollowWorkload(Users(40), 600, seed: 2);
        var third = new TaskCompletionSource();

        var run = workload.RunAsync(client, workers: 8, acknowledged => { if (acknowledged == 200) third.TrySetResult(); }, Token);
        await third.Task.WaitAsync(Convergence, Token);
        await cluster.KillSiloAsync(cluster.Silos[1]);
        await run;

        await workload.AssertConvergedAsync(client, Convergence, Token);
    }

    [Fact]
    public async Task Stream_mode_redelivers_a_batch_whose_consumer_crashed_before_its_checkpoint()
    {
        var crashes = new CrashingCheckpoints(crashes: 5);
        await using var cluster = await StartAsync("Stream", services => services.AddSingleton<IStreamBatchInterceptor>(crashes));
        await using var client = await cluster.ConnectClientAsync(cancellationToken: Token);
        var workload = new RandomFollowWorkload(Users(20), 200, seed: 3);

        await workload.RunAsync(client, workers: 4, progress: null, Token);

        await workload.AssertConvergedAsync(client, Convergence, Token);
        Assert.Equal(0, crashes.Remaining);
        var delivered = cluster.Silos.Sum(s => s.Services.GetRequiredService<StreamMetrics>().DeliveredTotal);
        Assert.True(delivered > workload.Acknowledged, $"{delivered} deliveries for {workload.Acknowledged} events: nothing was redelivered");
    }

    [Fact]
    public async Task A_poison_event_goes_to_the_dead_letter_table_and_the_queue_moves_on()
    {
        await using var cluster = await StartAsync("Stream", settings: new() { ["RelationGraph:Streams:MaxDeliveryAttempts"] = "2" });
        await using var client = await cluster.ConnectClientAsync(cancellationToken: Token);
        var shard = cluster.Silos[0].Services.GetRequiredService<ShardSet>().All[0];
        await using (var poison = new NpgsqlConnection(ConnectionString(cluster, shard)))
        {
            await poison.OpenAsync(Token);
            await using var insert = new NpgsqlCommand("INSERT INTO stream_events (queue, namespace, stream_key, payload) VALUES (0, 'follows', 7, '\\x00')", poison);
            await insert.ExecuteNonQueryAsync(Token);
        }

        var workload = new RandomFollowWorkload(Users(10), 60, seed: 4);
        await workload.RunAsync(client, workers: 2, progress: null, Token);

        await workload.AssertConvergedAsync(client, Convergence, Token);
        await using var connection = new NpgsqlConnection(ConnectionString(cluster, shard));
        await connection.OpenAsync(Token);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM stream_dead_letters WHERE stream_key = 7", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync(Token));
        Assert.Equal(1, cluster.Silos.Sum(s => s.Services.GetRequiredService<StreamMetrics>().DeadLetteredTotal));
    }

    [Fact]
    public async Task A_poison_event_among_its_streams_batch_is_dead_lettered_alone()
    {
        await using var cluster = await StartAsync("Stream", settings: new() { ["RelationGraph:Streams:MaxDeliveryAttempts"] = "2" });
        await using var client = await cluster.ConnectClientAsync(cancellationToken: Token);
        var shard = cluster.Silos[0].Services.GetRequiredService<ShardSet>().All[0];
        var (star, first, second) = (new UserId(900), new UserId(901), new UserId(902));
        byte[] Follow(UserId fan) => WireSerializer.Serialize(new FollowChanged(fan, star, EdgeState.Active, DateTimeOffset.UtcNow));

        // Committed together, the three events are pulled in one batch and reach the star's fan grain as one delivery.
        await using (var connection = new NpgsqlConnection(ConnectionString(cluster, shard)))
        {
            await connection.OpenAsync(Token);
            await using var insert = new NpgsqlCommand(
                "INSERT INTO stream_events (queue, namespace, stream_key, payload) SELECT $1, 'follows', $2, unnest($3::bytea[])", connection);
            insert.Parameters.Add(new() { Value = StreamQueue.QueueOf(star.Value, new StreamOptions().QueuesPerDatabase) });
            insert.Parameters.Add(new() { Value = star.Value });
            insert.Parameters.Add(new() { Value = new[] { Follow(first), [0], Follow(second) } });
            await insert.ExecuteNonQueryAsync(Token);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(Convergence);
        while (cluster.Silos.Sum(s => s.Services.GetRequiredService<StreamMetrics>().DeadLetteredTotal) == 0)
        {
            await Task.Delay(50, deadline.Token);
        }

        Assert.Equal(2, (await client.GetCountsAsync(star, Token)).Fans);
        Assert.Equal([first.Value, second.Value], (await client.GetFansAsync(star, new PageRequest(), Token)).Items.Select(e => e.UserId.Value).Order());
    }

    [Fact]
    public async Task An_event_appended_on_the_silo_pulling_its_queue_is_delivered_without_waiting_for_a_poll()
    {
        // With polling an hour apart, only the wake-up from the committing writer can deliver the event in time.
        await using var cluster = await StartAsync("Stream", settings: new()
        {
            ["RelationGraph:Streams:PollInterval"] = "01:00:00",
            ["RelationGraph:Streams:MaxPollInterval"] = "01:00:00",
        }, silos: 1);
        await using var client = await cluster.ConnectClientAsync(cancellationToken: Token);
        var (fan, star) = (new UserId(31), new UserId(32));

        await client.FollowAsync(fan, star, Token);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(Convergence);
        while ((await client.GetCountsAsync(star, deadline.Token)).Fans == 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task A_full_queue_pushes_back_on_producers_instead_of_growing()
    {
        var stalled = new StalledCheckpoints();
        await using var cluster = await StartAsync("Stream", services => services.AddSingleton<IStreamBatchInterceptor>(stalled), new()
        {
            ["RelationGraph:Streams:MaxQueueDepth"] = "20",
            ["RelationGraph:Streams:MaxBackPressureWait"] = "00:00:00.300",
            ["RelationGraph:Streams:QueuesPerDatabase"] = "1",
        });
        await using var client = await cluster.ConnectClientAsync(o => o.MaxAttempts = 1, Token);
        var celebrity = new UserId(1);

        var error = await Assert.ThrowsAsync<StreamQueueFullException>(async () =>
        {
            for (var fan = 2L; fan < 2_000; fan++)
            {
                await client.FollowAsync(new UserId(fan), celebrity, Token);
            }
        });

        Assert.Contains("more than 20", error.Message, StringComparison.Ordinal);
        stalled.Release();
    }

    [Fact]
    public async Task Cdc_mode_creates_a_slot_per_shard_and_another_mode_drops_them()
    {
        var meta = postgres.NewDatabase("slots");
        await using (var cdc = await StartAsync("Cdc", meta: meta))
        {
            Assert.Equal(4L, await CountSlotsAsync(meta));
        }

        await using (await StartAsync("Stream", meta: meta))
        {
            Assert.Equal(0L, await CountSlotsAsync(meta));
        }
    }

    private async Task<long> CountSlotsAsync(string meta)
    {
        var database = new NpgsqlConnectionStringBuilder(meta).Database;
        await using var connection = new NpgsqlConnection(postgres.Server.ConnectionString);
        await connection.OpenAsync(Token);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE database LIKE $1", connection);
        count.Parameters.Add(new() { Value = $"{database}_shard_%" });
        return (long)(await count.ExecuteScalarAsync(Token))!;
    }

    private Task<TestCluster> StartAsync(
        string mode, Action<IServiceCollection>? services = null, Dictionary<string, string?>? settings = null, string? meta = null, int silos = 3)
    {
        var all = new Dictionary<string, string?>(settings ?? []) { ["RelationGraph:Redundancy"] = mode };
        return TestCluster.StartAsync(new TestClusterOptions
        {
            MetaConnectionString = meta ?? postgres.NewDatabase($"mode_{mode.ToLowerInvariant()}"),
            Settings = all,
            ConfigureServices = services,
            InitialSilosCount = silos,
        }, Token);
    }

    private string ConnectionString(TestCluster cluster, Shard shard) => postgres.Server.GetConnectionString(shard.Database.Database);

    private static List<UserId> Users(int count) => Enumerable.Range(1, count).Select(i => new UserId(i)).ToList();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Abandons the first few batches after delivery, as a consumer crash before the checkpoint would.</summary>
    private sealed class CrashingCheckpoints(int crashes) : IStreamBatchInterceptor
    {
        private int _remaining = crashes;

        public int Remaining => Math.Max(0, Volatile.Read(ref _remaining));

        public ValueTask BeforeCheckpointAsync(string database, int queue, int events) =>
            Interlocked.Decrement(ref _remaining) >= 0 ? throw new InvalidOperationException("crash before checkpoint") : ValueTask.CompletedTask;
    }

    /// <summary>Holds every checkpoint until released, so queues only grow.</summary>
    private sealed class StalledCheckpoints : IStreamBatchInterceptor
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public async ValueTask BeforeCheckpointAsync(string database, int queue, int events) => await _release.Task;
    }
}
