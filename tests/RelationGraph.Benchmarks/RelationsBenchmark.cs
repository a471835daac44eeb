using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Persistence;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Batch relation checks and set queries. One user relates to 1,000 others in every way (follows both ways, friend asks
/// both ways, blocks), spread over the 4 shards; a batch check of all 1,000 through the client SDK is timed against
/// 1,000 single checks through the SDK and against the batch's own per-shard statements run directly with Npgsql. Then
/// two users following 100k each (half of them in common) read a common-following page through the SDK, against the
/// same walk (a chunk of the smaller side, doubling from twice the page size, then its ids probed on the other side)
/// run directly with Npgsql.
/// Service and baseline alternate which goes first, so both see the same machine.
/// </summary>
internal static class RelationsBenchmark
{
    private const int BatchSize = RelationBatch.MaxIds;
    private const int WalkChunk = 1000;
    private static readonly UserId Viewer = new(1);
    private static readonly UserId Left = new(2);
    private static readonly UserId Right = new(3);

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var rounds = arguments.Int("rounds", 20);
        var singleRounds = arguments.Int("single-rounds", 3);
        var edges = arguments.Int("edges", 100_000, minimum: 2);
        var output = arguments.Text("out");
        arguments.RejectUnknown();

        await using var server = await BenchmarkServer.StartAsync("relations", null, cancellationToken);
        var meta = server.ConnectionString("relations");
        await using var storage = await ServiceShards.OpenAsync(meta, cancellationToken);
        var others = Enumerable.Range(0, BatchSize).Select(i => new UserId(10_001 + i)).ToArray();
        Console.Error.WriteLine($"relations: writing the viewer's relations to {BatchSize:N0} users and two following lists of {edges:N0}");
        await LoadAsync(storage, others, edges, cancellationToken);

        await using var silo = await InProcessSilo.StartAsync(meta, server.SiloDirectory, null, cancellationToken);
        await using var client = await silo.ConnectAsync(cancellationToken);
        var cases = new List<RelationsCase>();

        // Warm-up: connections, grains, plans on both sides.
        await client.GetRelationsAsync(Viewer, others, cancellationToken);
        await BaselineRelationsAsync(storage, others, cancellationToken);
        await client.GetSetAsync(Left, SetQuery.CommonFollowing, Right, new PageRequest(50), cancellationToken);

        Console.Error.WriteLine($"relations: batch of {BatchSize:N0}, {rounds} rounds per side");
        var (batch, direct) = await PairedAsync(rounds,
            async () => (await client.GetRelationsAsync(Viewer, others, cancellationToken)).Items.Count,
            () => BaselineRelationsAsync(storage, others, cancellationToken));
        cases.Add(new RelationsCase($"relations of {BatchSize:N0} users", "SDK batch (1 call)", batch, "Npgsql, 1 statement per shard", direct));

        Console.Error.WriteLine($"relations: {BatchSize:N0} single checks, {singleRounds} rounds");
        var singles = new LatencyStats();
        for (var round = 0; round < singleRounds; round++)
        {
            await TimeAsync(singles, async () =>
            {
                foreach (var other in others)
                {
                    await client.GetRelationAsync(Viewer, other, cancellationToken);
                }

                return others.Length;
            });
        }

        cases.Add(new RelationsCase($"relations of {BatchSize:N0} users", $"SDK, {BatchSize:N0} single calls", singles.Summarize(0), "Npgsql, 1 statement per shard", direct));

        foreach (var limit in (int[])[50, 1000])
        {
            Console.Error.WriteLine($"relations: common-following page of {limit}, {rounds} rounds per side");
            var (service, baseline) = await PairedAsync(rounds,
                async () => (await client.GetSetAsync(Left, SetQuery.CommonFollowing, Right, new PageRequest(limit), cancellationToken)).Items.Count,
                () => BaselineCommonPageAsync(storage, limit, cancellationToken));
            cases.Add(new RelationsCase($"common-following page of {limit}, {edges:N0} x {edges:N0}", "SDK", service, "Npgsql, same chunked walk", baseline));
        }

        var table = new MarkdownTable("operation", "service", "p50 ms", "p99 ms", "avg ms", "baseline", "p50 ms", "p99 ms", "avg ms", "p50 ratio");
        foreach (var c in cases)
        {
            table.Add(
                c.Operation, c.Service, MarkdownTable.Milliseconds(c.ServiceLatency.P50), MarkdownTable.Milliseconds(c.ServiceLatency.P99), MarkdownTable.Milliseconds(c.ServiceLatency.Average),
                c.Baseline, MarkdownTable.Milliseconds(c.BaselineLatency.P50), MarkdownTable.Milliseconds(c.BaselineLatency.P99), MarkdownTable.Milliseconds(c.BaselineLatency.Average),
                MarkdownTable.Ratio(c.ServiceLatency.P50 / c.BaselineLatency.P50));
        }

        table.Print();
        Console.WriteLine();
        Console.WriteLine($"1 in-process silo ({silo.Endpoint.Transport}), 4 shards on one PostgreSQL, one call at a time; a row of single calls times all {BatchSize:N0} calls together.");
        await JsonLines.AppendAsync(output, "relations", cases.Select(c => (object)c), cancellationToken);
        return 0;
    }

    /// <summary>Times <paramref name="service"/> and <paramref name="baseline"/> <paramref name="rounds"/> times each, alternating which goes first.</summary>
    private static async Task<(LatencySummary Service, LatencySummary Baseline)> PairedAsync(int rounds, Func<Task<int>> service, Func<Task<int>> baseline)
    {
        var (serviceStats, baselineStats) = (new LatencyStats(), new LatencyStats());
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                await TimeAsync(serviceStats, service);
                await TimeAsync(baselineStats, baseline);
            }
            else
            {
                await TimeAsync(baselineStats, baseline);
                await TimeAsync(serviceStats, service);
            }
        }

        return (serviceStats.Summarize(0), baselineStats.Summarize(0));
    }

    private static async Task TimeAsync(LatencyStats stats, Func<Task<int>> operation)
    {
        var start = Stopwatch.GetTimestamp();
        if (await operation() == 0)
        {
            throw new InvalidOperationException("The measured operation found nothing: the data set is not what the benchmark loaded.");
        }

        stats.Record(0, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>The service's batch statement, run on each shard the users map to, in parallel, rows decoded.</summary>
    private static async Task<int> BaselineRelationsAsync(ServiceShards storage, UserId[] others, CancellationToken cancellationToken)
    {
        var viewerShard = storage.Shards.For(Viewer);
        var groups = others.GroupBy(storage.Shards.For).ToDictionary(g => g.Key, g => g.Select(o => o.Value).ToArray());
        groups.TryAdd(viewerShard, []);
        var rows = await Task.WhenAll(groups.Select(async group =>
        {
            await using var command = group.Key.DataSource.CreateCommand(EdgeStore.RelationsSql);
            command.Parameters.Add(new() { Value = Viewer.Value });
            command.Parameters.Add(new() { Value = group.Key == viewerShard ? others.Select(o => o.Value).ToArray() : Array.Empty<long>() });
            command.Parameters.Add(new() { Value = group.Value });
            return await CountRowsAsync(command, cancellationToken);
        }));
        return rows.Sum() > 0 ? others.Length : 0;
    }

    /// <summary>A common-following page the way the service computes it: walk the smaller list in chunks, probe each chunk on the other.</summary>
    private static async Task<int> BaselineCommonPageAsync(ServiceShards storage, int limit, CancellationToken cancellationToken)
    {
        var found = 0;
        var after = 0L;
        var size = Math.Max(2 * limit, 64);
        while (found < limit)
        {
            await using var walk = storage.Shards.For(Left).DataSource.CreateCommand(
                "SELECT other_id FROM edges WHERE owner_id = $1 AND direction = 1 AND other_id > $2 AND state = 1 ORDER BY other_id LIMIT $3");
            walk.Parameters.Add(new() { Value = Left.Value });
            walk.Parameters.Add(new() { Value = after });
            walk.Parameters.Add(new() { Value = Math.Min(size, WalkChunk) });
            size *= 2;
            var chunk = new List<long>(WalkChunk);
            await using (var reader = await walk.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    chunk.Add(reader.GetInt64(0));
                }
            }

            if (chunk.Count == 0)
            {
                break;
            }

            await using var probe = storage.Shards.For(Right).DataSource.CreateCommand(EdgeStore.MembersSql);
            probe.Parameters.Add(new() { Value = Right.Value });
            probe.Parameters.Add(new() { Value = (short)EdgeDirection.Following });
            probe.Parameters.Add(new() { Value = chunk.ToArray() });
            probe.Parameters.Add(new() { Value = chunk[0] });
            probe.Parameters.Add(new() { Value = chunk[^1] });
            found += await CountRowsAsync(probe, cancellationToken);
            after = chunk[^1];
        }

        return Math.Min(found, limit);
    }

    private static async Task<int> CountRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = reader.GetInt64(0);
            rows++;
        }

        return rows;
    }

    /// <summary>Rows written straight into the shards, with their counts, as a bulk import would.</summary>
    private static async Task LoadAsync(ServiceShards storage, UserId[] others, int edges, CancellationToken cancellationToken)
    {
        long[] Ids(int from, int to) => [.. others[from..to].Select(o => o.Value)];
        await InsertAsync(storage, Viewer, EdgeDirection.Following, Ids(0, 400), cancellationToken);
        await InsertAsync(storage, Viewer, EdgeDirection.FriendAsks, Ids(600, 700), cancellationToken);
        await InsertAsync(storage, Viewer, EdgeDirection.Blocking, Ids(900, 950), cancellationToken);
        foreach (var other in others[200..600])
        {
            await InsertAsync(storage, other, EdgeDirection.Following, [Viewer.Value], cancellationToken);
        }

        foreach (var other in others[650..750])
        {
            await InsertAsync(storage, other, EdgeDirection.FriendAsks, [Viewer.Value], cancellationToken);
        }

        await InsertAsync(storage, Left, EdgeDirection.Following, [.. Enumerable.Range(0, edges).Select(i => 1_000_000L + i)], cancellationToken);
        await InsertAsync(storage, Right, EdgeDirection.Following, [.. Enumerable.Range(0, edges).Select(i => 1_000_000L + (2L * i))], cancellationToken);

        // As after an import: the planner knows the lists' sizes before the first query, not once autovacuum gets to them.
        foreach (var shard in storage.Shards.All)
        {
            await using var analyze = shard.DataSource.CreateCommand("ANALYZE edges");
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task InsertAsync(ServiceShards storage, UserId owner, EdgeDirection direction, long[] others, CancellationToken cancellationToken)
    {
        await using var batch = storage.Shards.For(owner).DataSource.CreateBatch();
        batch.BatchCommands.Add(new("INSERT INTO edges (owner_id, direction, other_id, state, event_at) SELECT $1, $2, o, 1, now() FROM unnest($3::bigint[]) AS o")
        {
            Parameters = { new() { Value = owner.Value }, new() { Value = (short)direction }, new() { Value = others } },
        });
        batch.BatchCommands.Add(new("""
            INSERT INTO edge_counts AS c (owner_id, direction, count) VALUES ($1, $2, $3)
            ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + EXCLUDED.count
            """)
        {
            Parameters = { new() { Value = owner.Value }, new() { Value = (short)direction }, new() { Value = (long)others.Length } },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record RelationsCase(string Operation, string Service, LatencySummary ServiceLatency, string Baseline, LatencySummary BaselineLatency);
}
