using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.BulkImport;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The seed's <c>fanoutbench</c> on real shard databases: why every follow is stored twice. On RelationGraph's layout (A)
/// a page of X's fans is one indexed query on X's shard, over the fans copy. Without that reverse copy (B) the page has to
/// ask every shard for the following rows that point at X and merge the answers. Both layouts live in the same shard
/// databases (B never reads the fans partition), so they share server, cache and pools, and they are measured in
/// alternating rounds of the same run on the same target users.
/// </summary>
internal static class FanoutBenchmark
{
    private const int Users = 20_000;
    private const int Follows = 200_000;
    private const double Skew = 1.1;
    private const int Seed = 1;
    private const int HotUsers = 10;
    private const int PageSize = 50;
    private const int RoundSize = 100;
    private const int VerifiedRandomUsers = 200;

    // EdgeStore's first-page query over the followee's fans rows.
    private const string SingleShardSql = EdgeStore.FirstPageSql;

    // The same query turned around: following rows pointing at the followee, asked of every shard.
    private const string FanOutSql = """
        SELECT owner_id, event_at FROM edges
        WHERE other_id = $1 AND direction = $2 AND state = 1
        ORDER BY event_at DESC, owner_id DESC LIMIT $3
        """;

    // Layout B's mirror of edges_page, so each shard's part is an index-only range scan too: B is not slow for want of an index.
    private const string FanOutIndexSql =
        "CREATE INDEX IF NOT EXISTS following_by_followee ON following (other_id, direction, event_at DESC, owner_id DESC) WHERE state = 1";

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var shardCount = arguments.Int("shards", 64, minimum: 2);
        var repeat = arguments.Int("repeat", 1000);
        var concurrencies = arguments.Ints("concurrency", [1]);
        var output = arguments.Text("out");
        arguments.RejectUnknown();
        var wall = Stopwatch.StartNew();
        List<FanoutResult> results = [];
        // Every fan-out caller holds a connection to each shard at once.
        await using (var server = await BenchmarkServer.StartAsync("fanout", null, cancellationToken, Math.Max(300, (shardCount * concurrencies.Max()) + 50)))
        await using (var shards = new ShardSet())
        {
            var follows = await LoadAsync(server, shards, shardCount, cancellationToken);
            var pages = new FanPages(shards);

            var random = new Random(Seed);
            var targets = new (string Name, long[] Users)[]
            {
                ("random", Enumerable.Range(0, repeat).Select(_ => (long)random.Next(1, Users + 1)).ToArray()),
                ("hot", Enumerable.Range(0, repeat).Select(i => (long)(i % HotUsers) + 1).ToArray()),
            };
            await VerifyAsync(pages, targets[0].Users.Take(VerifiedRandomUsers), fullPages: false, cancellationToken);
            await VerifyAsync(pages, Enumerable.Range(1, HotUsers).Select(u => (long)u), fullPages: true, cancellationToken);
            await DescribeAsync(shards, shardCount, follows, cancellationToken);

            foreach (var concurrency in concurrencies)
            {
                foreach (var (name, users) in targets)
                {
                    Console.Error.WriteLine($"fanout: {name} users, {concurrency} caller(s): {users.Length} single-shard and {users.Length} fan-out queries in alternating rounds of {RoundSize}");
                    results.AddRange(await MeasureAsync(pages, name, users, concurrency, cancellationToken));
                }
            }
        }

        Print(results);
        await JsonLines.AppendAsync(output, "fanout", results, cancellationToken);

        Console.Error.WriteLine($"fanout: done in {wall.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    /// <summary>Shard databases with the real schema, a reproducible power-law graph imported into both copies, then layout B's index.</summary>
    private static async Task<long> LoadAsync(BenchmarkServer server, ShardSet shards, int shardCount, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Console.Error.WriteLine($"fanout: creating and migrating {shardCount} shard databases");
        // A silo fails fast on a slow shard; here hundreds of connections open at once on a busy machine during warm-up, and that is not what is measured.
        var options = new StorageOptions { Shards = shardCount, ShardConnectTimeout = TimeSpan.FromSeconds(60) };
        await StorageBootstrap.InitializeAsync(shards, server.ConnectionString("fanout"), options, cancellationToken);
        Console.Error.WriteLine($"fanout: {shardCount} shard databases ready in {clock.Elapsed.TotalSeconds:0.0} s");

        var edgeList = Path.GetTempFileName();
        ImportSummary summary;
        try
        {
            // Each pair once, so the graph has exactly the follows asked for (the generator repeats popular pairs).
            var lines = new EdgeListGenerator(Users, long.MaxValue, Skew, Seed).Generate().DistinctBy(line => (line.Follower, line.Followee)).Take(Follows);
            await File.WriteAllLinesAsync(edgeList, lines.Select(line => line.ToString()), cancellationToken);
            var progress = new ConsoleProgress("fanout: importing follows into both copies", Follows);
            summary = await new EdgeImporter(shards).ImportAsync(edgeList, progress, cancellationToken);
            progress.Complete();
        }
        finally
        {
            File.Delete(edgeList);
        }

        Console.Error.WriteLine($"fanout: indexing following rows by followee (layout B), vacuuming and analyzing {shardCount} shards");
        await Task.WhenAll(shards.All.Select(async database =>
        {
            // VACUUM sets the visibility map, so both layouts get index-only scans, as they would once autovacuum has run.
            foreach (var sql in new[] { FanOutIndexSql, "VACUUM (ANALYZE)" })
            {
                await using var command = database.DataSource.CreateCommand(sql);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }));
        Console.Error.WriteLine($"fanout: loaded {summary.NewFollows:N0} follows in {clock.Elapsed.TotalSeconds:0.0} s");
        return summary.NewFollows;
    }

    /// <summary>Both layouts must return the same page, or the comparison means nothing.</summary>
    private static async Task VerifyAsync(FanPages pages, IEnumerable<long> users, bool fullPages, CancellationToken cancellationToken)
    {
        int checkedUsers = 0, rows = 0;
        foreach (var user in users)
        {
            var single = await pages.SingleShardAsync(user, cancellationToken);
            var fanOut = await pages.FanOutAsync(user, cancellationToken);
            if (!single.SequenceEqual(fanOut))
            {
                var row = Enumerable.Range(0, PageSize).First(i => i >= single.Count || i >= fanOut.Count || single[i] != fanOut[i]);
                throw new InvalidOperationException(
                    $"fanout: the pages of user {user}'s fans differ at row {row}: single-shard {single.ElementAtOrDefault(row)} of {single.Count} rows, " +
                    $"fan-out {fanOut.ElementAtOrDefault(row)} of {fanOut.Count} rows");
            }

            if (fullPages && single.Count != PageSize)
            {
                throw new InvalidOperationException($"fanout: hot user {user} has a page of {single.Count} fans, expected {PageSize}; the check would prove little.");
            }

            checkedUsers++;
            rows += single.Count;
        }

        Console.Error.WriteLine($"fanout: verified {checkedUsers} users: single-shard and fan-out pages identical ({rows:N0} rows)");
    }

    private static async Task DescribeAsync(ShardSet shards, int shardCount, long follows, CancellationToken cancellationToken)
    {
        await using var store = new EdgeStore(shards, Options.Create(new StorageOptions()));
        var hotFans = new List<long>();
        for (var user = 1; user <= HotUsers; user++)
        {
            hotFans.Add(await store.GetCountAsync(EdgeDirection.Fans, new UserId(user), cancellationToken));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

            {shardCount} shard databases on one private PostgreSQL (durable defaults), {Users:N0} users, {follows:N0} follows (zipf:{Skew}, seed {Seed}); a page of {PageSize} fans, newest first.
            single-shard: RelationGraph's layout, fans rows on the followee's shard: one query on one shard (index edges_page).
            fan-out: no reverse copy, following rows sharded by follower: the same query by other_id sent to all {shardCount} shards at once, merged to the top {PageSize}.
                     Extra index for it on every shard, edges_page mirrored: following (other_id, direction, event_at DESC, owner_id DESC) WHERE state = 1.
            targets: random = uniform over all users (mean {(double)follows / Users:0.0} fans); hot = users 1-{HotUsers} ({hotFans.Min():N0}-{hotFans.Max():N0} fans each).
            """));
    }

    private static async Task<FanoutResult[]> MeasureAsync(FanPages pages, string targets, long[] users, int concurrency, CancellationToken cancellationToken)
    {
        var queries = new (string Name, Func<long, CancellationToken, Task<List<FanRow>>> Run)[] { ("single-shard", pages.SingleShardAsync), ("fan-out", pages.FanOutAsync) };
        var latencies = queries.Select(_ => new List<double>(users.Length)).ToArray();
        var busy = new TimeSpan[queries.Length];

        // Warm up this many callers' connections on every shard, plans and JIT.
        foreach (var query in queries)
        {
            await RunRoundAsync(query.Run, new ArraySegment<long>(users, 0, Math.Min(RoundSize, users.Length)), concurrency, cancellationToken);
        }

        for (var start = 0; start < users.Length; start += RoundSize)
        {
            var round = new ArraySegment<long>(users, start, Math.Min(RoundSize, users.Length - start));
            // Alternate which goes first so drift on the shared machine and cache state favor neither.
            foreach (var q in start / RoundSize % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 })
            {
                var (elapsed, samples) = await RunRoundAsync(queries[q].Run, round, concurrency, cancellationToken);
                busy[q] += elapsed;
                latencies[q].AddRange(samples);
            }
        }

        return queries.Select((query, q) =>
        {
            var sorted = latencies[q].Order().ToList();
            return new FanoutResult(pages.Shards, query.Name, targets, concurrency, sorted.Count, sorted.Count / busy[q].TotalSeconds,
                sorted.Average(), Percentiles.Of(sorted, 0.50), Percentiles.Of(sorted, 0.95), Percentiles.Of(sorted, 0.99));
        }).ToArray();
    }

    /// <summary>Runs one query per user from <paramref name="concurrency"/> callers; the round's wall time and each query's latency in ms.</summary>
    private static async Task<(TimeSpan Elapsed, double[] Latencies)> RunRoundAsync(
        Func<long, CancellationToken, Task<List<FanRow>>> query, ArraySegment<long> users, int concurrency, CancellationToken cancellationToken)
    {
        var latencies = new double[users.Count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < users.Count)
            {
                var start = Stopwatch.GetTimestamp();
                await query(users[i], cancellationToken);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }, cancellationToken)));
        return (clock.Elapsed, latencies);
    }

    private static void Print(List<FanoutResult> results)
    {
        var table = new MarkdownTable(2, "query", "targets", "callers", "queries", "queries/s", "avg ms", "p50 ms", "p95 ms", "p99 ms", "avg vs single-shard");
        foreach (var r in results)
        {
            var single = results.First(s => s.Targets == r.Targets && s.Concurrency == r.Concurrency);
            table.Add(
                r.Query, r.Targets, r.Concurrency.ToString(CultureInfo.InvariantCulture), MarkdownTable.Rate(r.Queries), MarkdownTable.Rate(r.QueriesPerSecond),
                MarkdownTable.Milliseconds(r.AvgMs), MarkdownTable.Milliseconds(r.P50Ms), MarkdownTable.Milliseconds(r.P95Ms), MarkdownTable.Milliseconds(r.P99Ms),
                MarkdownTable.Number(r.AvgMs / single.AvgMs, "0.0") + "x");
        }

        table.Print();
    }

    /// <summary>One entry of a fans page: the fan and when they followed.</summary>
    private readonly record struct FanRow(long User, DateTimeOffset At)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"(user {User} at {At:yyyy-MM-dd HH:mm:ss.ffffff})");
    }

    private sealed record FanoutResult(int Shards, string Query, string Targets, int Concurrency, int Queries, double QueriesPerSecond, double AvgMs, double P50Ms, double P95Ms, double P99Ms);

    /// <summary>The two ways to read a page of a user's fans, over the same shard pools.</summary>
    private sealed class FanPages(ShardSet shards)
    {
        private readonly NpgsqlDataSource[] _databases = shards.All.Select(s => s.DataSource).ToArray();

        public int Shards => _databases.Length;

        public Task<List<FanRow>> SingleShardAsync(long user, CancellationToken cancellationToken) =>
            ReadAsync(_databases[shards.Map.ShardOf(user)], SingleShardSql, user, EdgeDirection.Fans, cancellationToken);

        public async Task<List<FanRow>> FanOutAsync(long user, CancellationToken cancellationToken)
        {
            var parts = await Task.WhenAll(_databases.Select(database => ReadAsync(database, FanOutSql, user, EdgeDirection.Following, cancellationToken)));
            return parts.SelectMany(part => part).OrderByDescending(row => row.At).ThenByDescending(row => row.User).Take(PageSize).ToList();
        }

        private static async Task<List<FanRow>> ReadAsync(NpgsqlDataSource database, string sql, long user, EdgeDirection direction, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection)
            {
                Parameters = { new() { Value = user }, new() { Value = (short)direction }, new() { Value = PageSize } },
            };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<FanRow>(PageSize);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new FanRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }

            return rows;
        }
    }
}
