using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Client;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Testing;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The auditor: an unthrottled full scan of a bulk-loaded graph in edges compared per second, against a bare Npgsql read of
/// the same rows in the same order (both copies, every shard in parallel); the time to find and repair injected faults with
/// an incremental and with a full scan; and follows/s at 64 callers with the real-time check off and on (every change checked).
/// </summary>
internal static class AuditBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var graph = new GraphSpec(arguments.Int("users", 100_000, minimum: 1000), arguments.Long("edges", 1_000_000), arguments.Skew("skew", 1.1));
        var faults = arguments.Int("faults", 1000);
        var pageSize = arguments.Int("page", 20_000);
        var duration = arguments.Seconds("duration", 15);
        var output = arguments.Text("out");
        arguments.RejectUnknown();

        await using var server = await BenchmarkServer.StartAsync("audit", null, cancellationToken);
        var meta = server.ConnectionString(graph.Database);
        await using var storage = await ServiceShards.OpenAsync(meta, cancellationToken);
        await GraphLoader.EnsureLoadedAsync(storage.Shards, graph, server.DataDirectory, cancellationToken);
        await VacuumAsync(storage.Shards, cancellationToken);

        var table = new MarkdownTable(1, "case", "edges", "seconds", "edges/s", "vs bare read");
        Console.Error.WriteLine("audit: bare Npgsql read of both copies in key order");
        var (bareRows, bareSeconds) = await BareReadAsync(storage.Shards, cancellationToken);
        table.Add("bare Npgsql read, both copies", MarkdownTable.Rate(bareRows), MarkdownTable.Number(bareSeconds, "0.00"), MarkdownTable.Rate(bareRows / bareSeconds), "1.00x");

        var settings = new Dictionary<string, string>
        {
            ["Redundancy"] = "Sync",
            ["Audit:FullScanEdgesPerSecond"] = "0",
            ["Audit:PageSize"] = pageSize.ToString(CultureInfo.InvariantCulture),
            ["Audit:RealtimeEnabled"] = "false",
            ["Audit:Scheduled"] = "false",
        };
        var results = new List<object>();
        await using (var silo = await InProcessSilo.StartAsync(meta, server.SiloDirectory, settings, cancellationToken))
        await using (var client = await silo.ConnectAsync(cancellationToken))
        {
            Console.Error.WriteLine("audit: full scan");
            var (full, fullSeconds) = await RunToEndAsync(client, AuditKind.Full, cancellationToken);
            table.Add("full scan (merge, counts, purge)", MarkdownTable.Rate(full.Scanned), MarkdownTable.Number(fullSeconds, "0.00"),
                MarkdownTable.Rate(full.Scanned / fullSeconds), MarkdownTable.Ratio(full.Scanned / fullSeconds / (bareRows / bareSeconds / 2)));
            results.Add(new { @case = "full", edges = full.Scanned, seconds = fullSeconds, bareEdgesPerSecond = bareRows / bareSeconds / 2 });

            // The incremental scan's checkpoint first catches up with the load, so that the faults are what it checks next.
            await RunToEndAsync(client, AuditKind.Incremental, cancellationToken);
            var faultTable = new MarkdownTable(1, "check", "faults", "found", "repaired", "seconds");
            foreach (var kind in new[] { AuditKind.Incremental, AuditKind.Full })
            {
                await InjectFaultsAsync(storage.Shards, faults, seed: (int)kind + 1, cancellationToken);
                var (run, seconds) = await RunToEndAsync(client, kind, cancellationToken);
                faultTable.Add(kind.ToString().ToLowerInvariant(), MarkdownTable.Rate(faults), MarkdownTable.Rate(run.Found.Total), MarkdownTable.Rate(run.Repaired.Total), MarkdownTable.Number(seconds, "0.00"));
                results.Add(new { @case = $"faults-{kind}", faults, found = run.Found.Total, repaired = run.Repaired.Total, seconds });
            }

            table.Print();
            Console.WriteLine();
            faultTable.Print();
            Console.WriteLine();
        }

        // Off, on, on, off: each side runs once early and once late, on a fresh silo, so a warmer database or JIT favours
        // neither. The load lasts longer than the check's delay, so the re-checks of its changes run inside the window.
        var cost = new MarkdownTable(1, "real-time check", "follows", "seconds", "follows/s", "vs off");
        var load = new Dictionary<bool, (long Follows, double Seconds)> { [false] = (0, 0), [true] = (0, 0) };
        for (var round = 0; round < 4; round++)
        {
            var realtime = round is 1 or 2;
            settings["Audit:RealtimeEnabled"] = realtime ? "true" : "false";
            settings["Audit:RealtimeSampleRate"] = "1";
            settings["Redundancy"] = "Stream";
            await using var silo = await InProcessSilo.StartAsync(meta, server.SiloDirectory, settings, cancellationToken);
            await using var client = await silo.ConnectAsync(cancellationToken);
            Console.Error.WriteLine($"audit: follows at 64 callers, real-time check {(realtime ? "on" : "off")}, round {round + 1} of 4");
            await FollowLoadAsync(client, graph.Users, 64, TimeSpan.FromSeconds(1), seed: 10 + round, cancellationToken);
            var follows = await FollowLoadAsync(client, graph.Users, 64, duration, seed: 20 + round, cancellationToken);
            load[realtime] = (load[realtime].Follows + follows, load[realtime].Seconds + duration.TotalSeconds);
        }

        var offRate = load[false].Follows / load[false].Seconds;
        foreach (var realtime in new[] { false, true })
        {
            var rate = load[realtime].Follows / load[realtime].Seconds;
            cost.Add(realtime ? "on (every change re-checked after 5 s)" : "off", MarkdownTable.Rate(load[realtime].Follows), MarkdownTable.Number(load[realtime].Seconds, "0"), MarkdownTable.Rate(rate), MarkdownTable.Ratio(rate / offRate));
            results.Add(new { @case = realtime ? "realtime-on" : "realtime-off", follows = load[realtime].Follows, followsPerSecond = rate });
        }

        cost.Print();
        Console.WriteLine();

        // The change-log trigger's own cost: batched edge writes (apply_edge over unnest, 256 a statement, as the service
        // writes) on one shard, with the trigger and with it disabled, in alternating rounds.
        var trigger = new MarkdownTable(1, "change-log triggers on edges", "edge writes", "seconds", "writes/s", "vs disabled");
        var shard = storage.Shards.All[0];
        var sides = new Dictionary<bool, (long Writes, double Seconds)> { [true] = (0, 0), [false] = (0, 0) };
        for (var round = 0; round < 6; round++)
        {
            var enabled = round % 2 == 0;
            var (writes, seconds) = await TimedWritesAsync(shard, enabled, 20_480, 1_000_000_000L + (round * 100_000L), cancellationToken);
            sides[enabled] = (sides[enabled].Writes + writes, sides[enabled].Seconds + seconds);
        }

        var disabledRate = sides[false].Writes / sides[false].Seconds;
        foreach (var enabled in new[] { false, true })
        {
            var rate = sides[enabled].Writes / sides[enabled].Seconds;
            trigger.Add(enabled ? "enabled" : "disabled", MarkdownTable.Rate(sides[enabled].Writes), MarkdownTable.Number(sides[enabled].Seconds, "0.00"), MarkdownTable.Rate(rate), MarkdownTable.Ratio(rate / disabledRate));
            results.Add(new { @case = enabled ? "trigger-on" : "trigger-off", writes = sides[enabled].Writes, writesPerSecond = rate });
        }

        trigger.Print();
        await JsonLines.AppendAsync(output, "audit", results, cancellationToken);
        return 0;
    }

    private static async Task<(AuditRun Run, double Seconds)> RunToEndAsync(RelationGraphClient client, AuditKind kind, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var started = await client.StartAuditRunAsync(kind, cancellationToken);
        var run = await Eventually.ValueAsync(
            async ct => await client.GetAuditRunAsync(started.RunId, ct) ?? started, r => r.State != AuditRunState.Running,
            TimeSpan.FromHours(1), $"the {kind} audit run {started.RunId} to end", cancellationToken);

        return (run, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Every row of both copies in the scan's order and columns, each shard and side on its own connection at once.</summary>
    private static async Task<(long Rows, double Seconds)> BareReadAsync(ShardSet shards, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(shards.All.SelectMany(shard => new[]
        {
            ReadAllAsync(shard, "SELECT owner_id, other_id, state, event_at FROM following ORDER BY owner_id, other_id", cancellationToken),
            ReadAllAsync(shard, "SELECT other_id, owner_id, state, event_at FROM fans ORDER BY other_id, owner_id", cancellationToken),
        }));
        return (counts.Sum(), watch.Elapsed.TotalSeconds);
    }

    private static async Task<long> ReadAllAsync(Shard shard, string sql, CancellationToken cancellationToken)
    {
        await using var command = shard.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long rows = 0, sum = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            sum += reader.GetInt64(0) ^ reader.GetInt64(1) ^ reader.GetInt16(2) ^ reader.GetFieldValue<DateTime>(3).Ticks;
            rows++;
        }

        return rows + (sum == long.MinValue ? 1 : 0);
    }

    /// <summary>Deletes the fan copy (and its count) of <paramref name="faults"/> random active edges: events that never landed.</summary>
    private static async Task InjectFaultsAsync(ShardSet shards, int faults, int seed, CancellationToken cancellationToken)
    {
        var perShard = (faults + shards.All.Count - 1) / shards.All.Count;
        var left = faults;
        foreach (var shard in shards.All)
        {
            var take = Math.Min(perShard, left);
            left -= take;
            await using var command = shard.DataSource.CreateCommand("""
                WITH victims AS (
                    SELECT owner_id, other_id FROM fans TABLESAMPLE SYSTEM (1) REPEATABLE ($2) WHERE state = 1 LIMIT $1),
                gone AS (
                    DELETE FROM fans f USING victims v WHERE f.owner_id = v.owner_id AND f.other_id = v.other_id RETURNING f.owner_id)
                UPDATE edge_counts c SET count = c.count - g.n
                FROM (SELECT owner_id, count(*) AS n FROM gone GROUP BY owner_id) g
                WHERE c.owner_id = g.owner_id AND c.direction = 2
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = take });
            command.Parameters.Add(new NpgsqlParameter { Value = seed });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<(long Writes, double Seconds)> TimedWritesAsync(Shard shard, bool trigger, int writes, long firstUser, CancellationToken cancellationToken)
    {
        await using var connection = await shard.DataSource.OpenConnectionAsync(cancellationToken);
        await using (var toggle = new NpgsqlCommand($"ALTER TABLE edges {(trigger ? "ENABLE" : "DISABLE")} TRIGGER USER", connection))
        {
            await toggle.ExecuteNonQueryAsync(cancellationToken);
        }

        var watch = Stopwatch.StartNew();
        for (var done = 0; done < writes; done += 256)
        {
            await using var command = new NpgsqlCommand(
                "SELECT apply_edge(owner_id, 1::smallint, other_id, 1::smallint, now()) FROM unnest($1::bigint[], $2::bigint[]) AS w(owner_id, other_id)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(done, 256).Select(i => firstUser + (i / 16)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(done, 256).Select(i => firstUser + 50_000_000 + i).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await using (var restore = new NpgsqlCommand("ALTER TABLE edges ENABLE TRIGGER USER", connection))
        {
            await restore.ExecuteNonQueryAsync(cancellationToken);
        }

        return (writes, seconds);
    }

    private static async Task VacuumAsync(ShardSet shards, CancellationToken cancellationToken)
    {
        foreach (var shard in shards.All)
        {
            await using var command = shard.DataSource.CreateCommand("VACUUM ANALYZE edges");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<long> FollowLoadAsync(RelationGraphClient client, int users, int callers, TimeSpan duration, int seed, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        long follows = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var random = new Random((seed * 1000) + caller);
            while (!stop.IsCancellationRequested)
            {
                var a = random.Next(1, users + 1);
                var b = random.Next(1, users + 1);
                if (a == b)
                {
                    continue;
                }

                try
                {
                    await client.FollowAsync(new UserId(a), new UserId(b), stop.Token);
                    Interlocked.Increment(ref follows);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        }, CancellationToken.None)));
        return follows;
    }
}
