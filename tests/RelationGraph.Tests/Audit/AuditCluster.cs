using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.OrleansProviders;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Audit;

/// <summary>Test clusters for the auditor, the damage the tests inject straight into the shard databases, and what they read back.</summary>
internal static class AuditCluster
{
    public static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(90);

    /// <summary>
    /// A cluster in <paramref name="mode"/> with the auditor's scheduled runs and real-time check off unless
    /// <paramref name="settings"/> turn them on, reminders allowed down to a second, and unthrottled full scans.
    /// </summary>
    public static Task<TestCluster> StartAsync(
        PostgresFixture postgres, string mode, IReadOnlyDictionary<string, string?>? settings = null, short silos = 2, bool killsSilos = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["RelationGraph:Audit:FullScanEdgesPerSecond"] = "0",
            ["RelationGraph:Audit:PageSize"] = "50",
            ["RelationGraph:Audit:ResumePeriod"] = "00:00:02",
            ["RelationGraph:Audit:SliceDuration"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return RedundancyCluster.StartAsync(
            postgres, mode, all, silos, postgres.NewDatabase($"audit_{mode}"), killsSilos, builder => builder.AddSiloBuilderConfigurator<FastReminders>());
    }

    public static IAuditorGrain Auditor(this TestCluster cluster) => cluster.Client.GetGrain<IAuditorGrain>(0);

    /// <summary>Starts a run of <paramref name="kind"/> and waits for it to finish.</summary>
    public static async Task<AuditRun> RunAsync(this TestCluster cluster, AuditKind kind, CancellationToken cancellationToken)
    {
        var started = await cluster.Auditor().StartRunAsync(kind);
        return await cluster.WaitForRunAsync(started.RunId, cancellationToken);
    }

    /// <summary>Waits for run <paramref name="runId"/> to end, across the loss of the coordinator's silo.</summary>
    public static async Task<AuditRun> WaitForRunAsync(this TestCluster cluster, string runId, CancellationToken cancellationToken) =>
        (await Eventually.ValueAsync(_ => cluster.TryAuditorAsync(async a => (await a.GetRunAsync(runId))!), r => r is { State: not AuditRunState.Running }, RunDeadline, $"run {runId}", cancellationToken))!;

    /// <summary>
    /// Asks the auditor, or answers null when the call went to a silo that was just killed or restarted: until membership
    /// declares it dead, the client still routes to the old activation and the call times out or is refused.
    /// </summary>
    public static async Task<T?> TryAuditorAsync<T>(this TestCluster cluster, Func<IAuditorGrain, Task<T>> call)
        where T : class
    {
        try
        {
            return await call(cluster.Auditor());
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException)
        {
            return null;
        }
    }

    /// <summary><paramref name="count"/> follows among users from <paramref name="firstUser"/> on, spread over every shard, through the grains.</summary>
    public static async Task<List<(long Follower, long Followee)>> FollowManyAsync(this TestCluster cluster, long firstUser, int users, int count, int seed)
    {
        var random = new Random(seed);
        var edges = new HashSet<(long, long)>();
        while (edges.Count < count)
        {
            var a = firstUser + random.Next(users);
            var b = firstUser + random.Next(users);
            if (a != b)
            {
                edges.Add((a, b));
            }
        }

        foreach (var chunk in edges.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(e => cluster.Client.GetGrain<IFollowingGrain>(e.Item1).FollowAsync(new UserId(e.Item2))));
        }

        return [.. edges];
    }

    public static Shard ShardOf(this TestCluster cluster, long user) => cluster.Shards().For(new UserId(user));

    /// <summary>Deletes the fan row of (follower, followee): a fan row that never arrived.</summary>
    public static Task DeleteFanAsync(this TestCluster cluster, long follower, long followee, CancellationToken ct) =>
        cluster.ShardOf(followee).ExecuteAsync("DELETE FROM fans WHERE owner_id = $1 AND other_id = $2", ct, followee, follower);

    /// <summary>Writes an active fan row (and its count) that no following row backs.</summary>
    public static Task InsertOrphanFanAsync(this TestCluster cluster, long follower, long followee, CancellationToken ct) =>
        cluster.ShardOf(followee).ExecuteAsync("SELECT apply_edge($1, 2::smallint, $2, 1::smallint, now())", ct, followee, follower);

    /// <summary>Moves the fan row's event time an hour back: a stale copy.</summary>
    public static Task AgeFanAsync(this TestCluster cluster, long follower, long followee, CancellationToken ct) =>
        cluster.ShardOf(followee).ExecuteAsync("UPDATE fans SET event_at = event_at - interval '1 hour' WHERE owner_id = $1 AND other_id = $2", ct, followee, follower);

    /// <summary>Adds <paramref name="delta"/> to a user's stored count.</summary>
    public static Task DriftCountAsync(this TestCluster cluster, long owner, short direction, long delta, CancellationToken ct) =>
        cluster.ShardOf(owner).ExecuteAsync("UPDATE edge_counts SET count = count + $3 WHERE owner_id = $1 AND direction = $2", ct, owner, direction, delta);

    /// <summary>
    /// A double write whose second half was rolled back: the following row (and its count) commits, the fan row's
    /// transaction rolls back.
    /// </summary>
    public static async Task HalfDoubleWriteAsync(this TestCluster cluster, long follower, long followee, CancellationToken ct)
    {
        // From no edge at all, so that the same damage can be injected again after a repair.
        await cluster.ShardOf(follower).ExecuteAsync(
            "WITH d AS (DELETE FROM following WHERE owner_id = $1 AND other_id = $2 RETURNING state) UPDATE edge_counts SET count = count - 1 WHERE owner_id = $1 AND direction = 1 AND EXISTS (SELECT FROM d WHERE state = 1)",
            ct, follower, followee);
        await cluster.ShardOf(followee).ExecuteAsync(
            "WITH d AS (DELETE FROM fans WHERE owner_id = $1 AND other_id = $2 RETURNING state) UPDATE edge_counts SET count = count - 1 WHERE owner_id = $1 AND direction = 2 AND EXISTS (SELECT FROM d WHERE state = 1)",
            ct, followee, follower);
        await cluster.ShardOf(follower).ExecuteAsync("SELECT apply_edge($1, 1::smallint, $2, 1::smallint, now())", ct, follower, followee);
        await using var connection = new NpgsqlConnection(cluster.ShardOf(followee).ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("SELECT apply_edge($1, 2::smallint, $2, 1::smallint, now())", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = followee });
            command.Parameters.Add(new NpgsqlParameter { Value = follower });
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.RollbackAsync(ct);
    }

    /// <summary>
    /// Every divergence left between the copies, read straight from the shards: active following rows whose fan row is
    /// not active with the same event time, active fan rows without an active following row, and counts that differ from
    /// their active rows. Empty when the copies agree.
    /// </summary>
    public static async Task<List<string>> DivergencesAsync(this TestCluster cluster, CancellationToken ct)
    {
        var following = new Dictionary<(long, long), (short, DateTime)>();
        var fans = new Dictionary<(long, long), (short, DateTime)>();
        var problems = new List<string>();
        foreach (var shard in cluster.Shards().All)
        {
            await using var connection = new NpgsqlConnection(shard.ConnectionString);
            await connection.OpenAsync(ct);
            await using (var command = new NpgsqlCommand("SELECT owner_id, direction, other_id, state, event_at FROM edges", connection))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var row = (reader.GetInt16(3), reader.GetDateTime(4));
                    if (reader.GetInt16(1) == 1)
                    {
                        following[(reader.GetInt64(0), reader.GetInt64(2))] = row;
                    }
                    else
                    {
                        fans[(reader.GetInt64(2), reader.GetInt64(0))] = row;
                    }
                }
            }
        }

        problems.AddRange(await cluster.Shards().CountDriftsAsync(ct));

        foreach (var (pair, (state, at)) in following.Where(f => f.Value.Item1 == 1))
        {
            if (!fans.TryGetValue(pair, out var fan) || fan.Item1 != 1 || fan.Item2 != at)
            {
                problems.Add($"edge {pair}: following active at {at:O}, fan {(fans.TryGetValue(pair, out var seen) ? seen.ToString() : "absent")}");
            }
        }

        foreach (var (pair, _) in fans.Where(f => f.Value.Item1 == 1))
        {
            if (!following.TryGetValue(pair, out var source) || source.Item1 != 1)
            {
                problems.Add($"edge {pair}: fan active, following {(following.ContainsKey(pair) ? "removed" : "absent")}");
            }
        }

        return problems;
    }
}
