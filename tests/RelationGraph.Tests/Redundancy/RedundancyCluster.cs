using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Providers;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Silo.Hosting;
using RelationGraph.Streams;
using RelationGraph.Streams.Cdc;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>Test clusters in a given redundancy mode, and what the redundancy tests read from their silos and shards.</summary>
internal static class RedundancyCluster
{
    /// <summary>
    /// Starts a cluster of <paramref name="silos"/> silos in <paramref name="mode"/> on a meta database of its own (or
    /// <paramref name="meta"/>), with <paramref name="settings"/> on top. Unless the test kills a silo
    /// (<paramref name="killsSilos"/>), with Orleans' own failure detection, so that a silo starved of CPU on a busy
    /// machine is not voted dead. <paramref name="configure"/> adds to the builder (silo configurators).
    /// </summary>
    public static async Task<TestCluster> StartAsync(
        PostgresFixture postgres, string mode, IReadOnlyDictionary<string, string?>? settings = null, short silos = 3, string? meta = null, bool killsSilos = false,
        Action<TestClusterBuilder>? configure = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["RelationGraph:Redundancy"] = mode };
        var builder = new TestClusterBuilder(silos).AddRelationGraph(meta ?? postgres.NewDatabase($"redundancy_{mode}"), all);
        configure?.Invoke(builder);
        if (!killsSilos)
        {
            builder.AddSiloBuilderConfigurator<DefaultFailureDetection>();
        }

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The services of <paramref name="silo"/> (the first running one by default).</summary>
    public static IServiceProvider Services(this TestCluster cluster, SiloHandle? silo = null) =>
        cluster.GetSiloServiceProvider((silo ?? cluster.Silos[0]).SiloAddress);

    public static ShardSet Shards(this TestCluster cluster) => cluster.Services().GetRequiredService<ShardSet>();

    public static EdgeStore Store(this TestCluster cluster) => cluster.Services().GetRequiredService<EdgeStore>();

    /// <summary>Every stored count, on every shard, that differs from the active rows it counts; empty when all are exact.</summary>
    public static async Task<List<string>> CountDriftsAsync(this ShardSet shards, CancellationToken cancellationToken)
    {
        var drifts = new List<string>();
        foreach (var shard in shards.All)
        {
            await using var connection = new NpgsqlConnection(shard.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                SELECT coalesce(a.owner_id, c.owner_id), coalesce(a.direction, c.direction), coalesce(a.n, 0), c.count
                FROM (SELECT owner_id, direction, count(*) FILTER (WHERE state = 1) AS n FROM edges GROUP BY 1, 2) a
                FULL JOIN edge_counts c ON c.owner_id = a.owner_id AND c.direction = a.direction
                WHERE coalesce(a.n, 0) <> coalesce(c.count, 0)
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                drifts.Add($"count of {reader.GetInt64(0)} direction {reader.GetInt16(1)}: {(reader.IsDBNull(3) ? "none" : reader.GetInt64(3))} stored, {reader.GetInt64(2)} rows");
            }
        }

        return drifts;
    }

    /// <summary>The sum of a stream metric over the running silos.</summary>
    public static long Sum(this TestCluster cluster, Func<StreamMetrics, long> metric) =>
        cluster.Silos.Sum(silo => metric(cluster.Services(silo).GetRequiredService<StreamMetrics>()));

    /// <summary>
    /// The queues of stream provider <paramref name="provider"/> that each running silo holds the lease of, once the
    /// balancers have settled: every queue held by a running silo, and each silo holding its even share (queues / silos,
    /// one more on some).
    /// </summary>
    public static async Task<IReadOnlyDictionary<SiloAddress, IReadOnlyList<QueueId>>> QueueHoldersAsync(this TestCluster cluster, string provider, CancellationToken cancellationToken)
    {
        var services = cluster.Services();
        var queues = services.GetRequiredKeyedService<IQueueAdapterFactory>(provider).GetStreamQueueMapper().GetAllQueues().ToList();
        var silos = cluster.Silos.Select(s => s.SiloAddress).ToList();
        var leases = services.GetRequiredService<PostgresLeaseProvider>();
        var holders = await Eventually.ValueAsync(
            ct => leases.HoldersAsync(provider, ct),
            held => queues.All(q => held.TryGetValue(q.ToString(), out var silo) && silos.Contains(silo))
                && silos.All(silo => held.Values.Count(s => s.Equals(silo)) is var n && n >= queues.Count / silos.Count && n <= (queues.Count + silos.Count - 1) / silos.Count),
            TimeSpan.FromSeconds(60),
            $"the {queues.Count} queues of {provider} evenly held by {silos.Count} silos",
            cancellationToken);
        return silos.ToDictionary(silo => silo, silo => (IReadOnlyList<QueueId>)[.. queues.Where(q => holders[q.ToString()].Equals(silo))]);
    }

    /// <summary>How many pulling agents of <paramref name="provider"/> run on <paramref name="silo"/>: one per queue it pulls.</summary>
    public static async Task<int> RunningAgentsAsync(this TestCluster cluster, SiloHandle silo, string provider)
    {
        var streams = (IControllable)cluster.Services(silo).GetRequiredKeyedService<IStreamProvider>(provider);
        return (int)(await streams.ExecuteCommand((int)PersistentStreamProviderCommand.GetNumberRunningAgents, null))!;
    }

    /// <summary>Ids from <paramref name="first"/> on, as many as <paramref name="count"/>.</summary>
    public static List<UserId> Users(long first, int count) => [.. Enumerable.Range(0, count).Select(i => new UserId(first + i))];

    /// <summary>The first user id from <paramref name="from"/> on that <paramref name="fits"/>.</summary>
    public static UserId FirstUser(long from, Func<UserId, bool> fits)
    {
        for (var id = from; ; id++)
        {
            if (fits(new UserId(id)))
            {
                return new UserId(id);
            }
        }
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="shard"/>, over a connection of the test's own.</summary>
    public static async Task<int> ExecuteAsync(this Shard shard, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(shard.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> on <paramref name="shard"/>.</summary>
    public static async Task<T> ScalarAsync<T>(this Shard shard, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(shard.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    /// <summary>Outbox rows still waiting on <paramref name="shard"/> for stream <paramref name="key"/>.</summary>
    public static Task<long> WaitingAsync(this Shard shard, UserId key, CancellationToken cancellationToken) =>
        shard.ScalarAsync<long>("SELECT count(*) FROM stream_events WHERE stream_key = $1", cancellationToken, key.Value);

    /// <summary>Dead letters on <paramref name="shard"/> for stream <paramref name="key"/>.</summary>
    public static Task<long> DeadLettersAsync(this Shard shard, UserId key, CancellationToken cancellationToken) =>
        shard.ScalarAsync<long>("SELECT count(*) FROM stream_dead_letters WHERE stream_key = $1", cancellationToken, key.Value);

    /// <summary>Whether <paramref name="fan"/>'s row in <paramref name="star"/>'s fan list is active, read from the shard.</summary>
    public static async Task<bool> IsFanAsync(this EdgeStore store, UserId star, UserId fan, CancellationToken cancellationToken) =>
        (await store.GetAsync(EdgeDirection.Fans, star, fan, cancellationToken))?.State == EdgeState.Active;

    /// <summary>The replication slots of <paramref name="shards"/>: name, whether someone reads it, and the reading backend.</summary>
    public static async Task<IReadOnlyList<(string Slot, bool Active, int? Pid)>> SlotsAsync(string serverConnectionString, ShardSet shards, CancellationToken cancellationToken)
    {
        var names = shards.All.Select(s => CdcReplicationSlots.SlotName(s.Database.Database)).ToArray();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT slot_name, active, active_pid FROM pg_replication_slots WHERE slot_name = ANY($1) ORDER BY slot_name", (object)names);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var slots = new List<(string, bool, int?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            slots.Add((reader.GetString(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetInt32(2)));
        }

        return slots;
    }

    /// <summary>The provider name of <paramref name="mode"/>'s follow stream.</summary>
    public static string ProviderOf(string mode) => mode switch
    {
        "Stream" => RelationGraphSiloBuilderExtensions.OutboxStreamProviderName,
        "Cdc" => RelationGraphSiloBuilderExtensions.CdcStreamProviderName,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Only Stream and Cdc have stream queues."),
    };
}
