using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Client;
using RelationGraph.Persistence.BulkImport;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The erasure rate: a user with <c>--fans</c> fans and <c>--follows</c> follows (bulk-loaded, both copies) deleted by the
/// service (the deletion grain: marks, keyset walk, the other users' copies and counts, the feeds' drain, the counts) against
/// the same walk with bare Npgsql (the same pages and the same deletes of both copies and counts; no marks, no waits, no grain).
/// Rounds alternate which side goes first, each on a user of its own.
/// </summary>
internal static class DeletionBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var fans = arguments.Int("fans", 100_000);
        var follows = arguments.Int("follows", 1_000);
        var rounds = arguments.Int("rounds", 2);
        var page = arguments.Int("page", 1_000);
        var output = arguments.Text("out");
        arguments.RejectUnknown();

        await using var server = await BenchmarkServer.StartAsync("deletion", null, cancellationToken);
        var meta = server.ConnectionString("deletion");
        await using var storage = await ServiceShards.OpenAsync(meta, cancellationToken);
        var settings = new Dictionary<string, string>
        {
            ["Redundancy"] = "Stream",
            ["Deletion:PageSize"] = page.ToString(CultureInfo.InvariantCulture),
            ["Audit:Scheduled"] = "false",
            // The real-time check would re-check the load's pairs while the bare walk runs, and repair the half-deleted
            // ones with tombstones (the service's marks refuse such writes; the bare walk has none).
            ["Audit:RealtimeEnabled"] = "false",
        };
        await using var silo = await InProcessSilo.StartAsync(meta, server.SiloDirectory, settings, cancellationToken);
        await using var client = await silo.ConnectAsync(cancellationToken);

        var totals = new Dictionary<bool, (long Rows, double Seconds)> { [true] = (0, 0), [false] = (0, 0) };
        var results = new List<object>();
        var user = 0L;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var service in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var star = new UserId(++user);
                await LoadAsync(storage.Shards, star, fans, follows, cancellationToken);
                var side = service ? "service" : "baseline";
                var progress = new ConsoleProgress($"deletion: round {round + 1} of {rounds}, {side}, rows removed", fans + follows);
                var watch = Stopwatch.StartNew();
                var rows = service
                    ? await DeleteThroughServiceAsync(client, star, progress, cancellationToken)
                    : await DeleteWithNpgsqlAsync(storage.Shards, star, page, progress, cancellationToken);
                var seconds = watch.Elapsed.TotalSeconds;
                progress.Complete();
                await EnsureGoneAsync(storage.Shards, star, fans + follows, rows, cancellationToken);
                totals[service] = (totals[service].Rows + rows, totals[service].Seconds + seconds);
                results.Add(new { side, round, rows, seconds, rowsPerSecond = rows / seconds });
            }
        }

        var baselineRate = totals[false].Rows / totals[false].Seconds;
        var table = new MarkdownTable(1, "side", "rows removed (each with its other copy)", "seconds", "rows/s", "vs baseline");
        foreach (var service in new[] { true, false })
        {
            var rate = totals[service].Rows / totals[service].Seconds;
            table.Add(service ? "service (DELETE /v1/users/{id}, Stream mode)" : "bare Npgsql, the same walk",
                MarkdownTable.Rate(totals[service].Rows), MarkdownTable.Number(totals[service].Seconds, "0.00"), MarkdownTable.Rate(rate), MarkdownTable.Ratio(rate / baselineRate));
        }

        table.Print();
        await JsonLines.AppendAsync(output, "deletion", results, cancellationToken);
        return 0;
    }

    /// <summary><paramref name="fans"/> users following <paramref name="star"/>, and <paramref name="star"/> following <paramref name="follows"/>, ids of their own.</summary>
    private static async Task LoadAsync(ShardSet shards, UserId star, int fans, int follows, CancellationToken cancellationToken)
    {
        var file = Path.GetTempFileName();
        try
        {
            var first = 1_000_000_000L * star.Value;
            var lines = Enumerable.Range(0, fans).Select(i => string.Create(CultureInfo.InvariantCulture, $"{first + i},{star.Value}"))
                .Concat(Enumerable.Range(0, follows).Select(i => string.Create(CultureInfo.InvariantCulture, $"{star.Value},{first + fans + i}")));
            await File.WriteAllLinesAsync(file, lines, cancellationToken);
            var progress = new ConsoleProgress($"deletion: loading user {star} ({fans:N0} fans, {follows:N0} follows)", fans + follows);
            await new EdgeImporter(shards).ImportAsync(file, progress, cancellationToken);
            progress.Complete();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<long> DeleteThroughServiceAsync(RelationGraphClient client, UserId star, ConsoleProgress progress, CancellationToken cancellationToken)
    {
        var deletion = await client.DeleteUserAsync(star, cancellationToken);
        while (deletion.State != UserDeletionState.Deleted)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            deletion = await client.GetUserDeletionAsync(star, cancellationToken) ?? deletion;
            progress.Report(deletion.Removed);
        }

        return deletion.Removed;
    }

    /// <summary>The deletion's walk in bare SQL: each page of the user's rows, the other users' rows about the user on their shards with their counts, then the user's.</summary>
    private static async Task<long> DeleteWithNpgsqlAsync(ShardSet shards, UserId star, int page, ConsoleProgress progress, CancellationToken cancellationToken)
    {
        var home = shards.For(star).DataSource;
        var (afterDirection, afterOther, removed) = ((short)0, 0L, 0L);
        while (true)
        {
            var rows = new List<(short Direction, long Other)>(page);
            await using (var read = home.CreateCommand("SELECT direction, other_id FROM edges WHERE owner_id = $1 AND (direction, other_id) > ($2, $3) ORDER BY direction, other_id LIMIT $4"))
            {
                read.Parameters.Add(new() { Value = star.Value });
                read.Parameters.Add(new() { Value = afterDirection });
                read.Parameters.Add(new() { Value = afterOther });
                read.Parameters.Add(new() { Value = page });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetInt16(0), reader.GetInt64(1)));
                }
            }

            if (rows.Count == 0)
            {
                await ExecuteAsync(home, "DELETE FROM edge_counts WHERE owner_id = $1", star.Value, null, cancellationToken);
                return removed;
            }

            var others = rows.Select(r => r.Other).Distinct().ToList();
            await Task.WhenAll(others.GroupBy(o => shards.For(new UserId(o))).Select(group => ExecuteAsync(group.Key.DataSource, """
                WITH gone AS (
                    DELETE FROM edges e USING unnest($2::bigint[]) AS o(id), generate_series(1, 9) AS d(direction)
                    WHERE e.owner_id = o.id AND e.direction = d.direction AND e.other_id = $1
                    RETURNING e.owner_id, e.direction, e.state)
                UPDATE edge_counts c SET count = c.count - g.n
                FROM (SELECT owner_id, direction, count(*) AS n FROM gone WHERE state = 1 GROUP BY owner_id, direction) g
                WHERE c.owner_id = g.owner_id AND c.direction = g.direction
                """, star.Value, group.ToArray(), cancellationToken)));
            removed += await ExecuteAsync(home, """
                DELETE FROM edges e USING unnest($2::bigint[]) AS o(id), generate_series(1, 9) AS d(direction)
                WHERE e.owner_id = $1 AND e.direction = d.direction AND e.other_id = o.id
                """, star.Value, others.ToArray(), cancellationToken);
            (afterDirection, afterOther) = rows[^1];
            progress.Report(removed);
        }
    }

    /// <summary>The end check: every row was counted as removed, and no shard holds a row or a count naming the user.</summary>
    private static async Task EnsureGoneAsync(ShardSet shards, UserId star, long loaded, long removed, CancellationToken cancellationToken)
    {
        var left = 0L;
        foreach (var shard in shards.All)
        {
            await using var command = shard.DataSource.CreateCommand(
                "SELECT (SELECT count(*) FROM edges WHERE owner_id = $1 OR other_id = $1) + (SELECT count(*) FROM edge_counts WHERE owner_id = $1 OR (count <> 0 AND owner_id BETWEEN $1 * 1000000000 AND ($1 + 1) * 1000000000 - 1))");
            command.Parameters.Add(new() { Value = star.Value });
            left += (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        if (left != 0 || removed != loaded)
        {
            throw new InvalidOperationException($"deletion: user {star} left {left} rows or counts behind, and {removed:N0} of {loaded:N0} rows were counted as removed.");
        }
    }

    /// <summary>One statement in a transaction of its own, its rows in the audit change log dropped (as the service's deletes).</summary>
    private static async Task<int> ExecuteAsync(NpgsqlDataSource dataSource, string sql, long user, long[]? others, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new() { Value = user });
        if (others is not null)
        {
            command.Parameters.Add(new() { Value = others });
        }

        batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM edge_changes WHERE xid = pg_current_xact_id()"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return command.RecordsAffected;
    }
}
