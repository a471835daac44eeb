using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RelationGraph.EmbeddedPostgres;
using RelationGraph.Persistence;
using RelationGraph.Persistence.BulkImport;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Bulk load of the reproducible Zipf graph <c>relgraph generate --skew zipf:1.1 --seed 7</c> writes, on one durable private
/// server: RelationGraph's importer into a fresh 4-shard storage (both copies and the counts), then the baseline, what a user
/// would otherwise do: one COPY of the list into one plain table with a primary key. That table refuses repeated pairs, so the
/// baseline gets the list with repeats removed (first occurrence), and its rate counts the rows it loaded.
/// </summary>
internal static class ImportBenchmark
{
    // LinkBench's published single-server load rate, measured on its own hardware: a static reference, not a rerun.
    private const double LinkBenchLinksPerSecond = 76_435;

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var edges = arguments.Long("edges", 10_000_000);
        var users = arguments.Int("users", 1_000_000, minimum: 2);
        var output = arguments.Text("out");
        arguments.RejectUnknown();
        var results = new List<ImportResult>();
        await using (var server = await BenchmarkServer.StartAsync("import", null, cancellationToken))
        {
            var edgesFile = Path.Combine(server.DataDirectory, "edges.csv");
            Console.Error.WriteLine($"import: generating {edges:N0} edges over {users:N0} users (zipf:1.1, seed 7)");
            var generator = new EdgeListGenerator(users, edges, skew: 1.1, seed: 7);
            await File.WriteAllLinesAsync(edgesFile, generator.Generate().Select(e => e.ToString()), cancellationToken);

            var relgraph = await ImportAsync(server.Postgres, edgesFile, edges);
            var baseline = await CopyBaselineAsync(server.Postgres, edgesFile, Path.Combine(server.DataDirectory, "baseline.csv"));
            results.Add(baseline with { VersusBaseline = 1 });
            results.Add(relgraph with { VersusBaseline = relgraph.EdgesPerSecond / baseline.EdgesPerSecond });
        }

        Print(results);
        await JsonLines.AppendAsync(output, "import", results, cancellationToken);
        return 0;
    }

    private static async Task<ImportResult> ImportAsync(PostgresServer server, string edgesFile, long edges)
    {
        await using var shards = new ShardSet();
        await StorageBootstrap.InitializeAsync(shards, server.GetConnectionString("import_meta"), new StorageOptions(), CancellationToken.None);
        await CheckpointAsync(server);
        Console.Error.WriteLine($"import: relgraph import into {shards.All.Count} shards");
        ResetPeakMemory();
        var clock = Stopwatch.StartNew();
        var progress = new ConsoleProgress("import: relgraph import", edges);
        var summary = await new EdgeImporter(shards).ImportAsync(edgesFile, progress);
        var seconds = clock.Elapsed.TotalSeconds;
        progress.Complete();
        return new ImportResult($"relgraph import, {shards.All.Count} shards, both copies + counts", edges, 2 * summary.NewFollows, seconds, edges / seconds, PeakMemoryMegabytes());
    }

    /// <summary>The user's alternative: a CSV with timestamps and no repeated pair, loaded by one COPY.</summary>
    private static async Task<ImportResult> CopyBaselineAsync(PostgresServer server, string edgesFile, string baselineFile)
    {
        var seen = new HashSet<(long, long)>();
        long rows = 0;
        await using (var writer = new StreamWriter(baselineFile))
        {
            foreach (var line in File.ReadLines(edgesFile).Select(l => EdgeListLine.Parse(l, 0)).Where(e => seen.Add((e.Follower, e.Followee))))
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(line.UnixMilliseconds!.Value);
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{line.Follower},{line.Followee},{at:yyyy-MM-dd HH:mm:ss.fff}+00"));
                rows++;
            }
        }

        var connectionString = await server.CreateDatabaseAsync("import_baseline");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE follows (follower bigint, followee bigint, at timestamptz, PRIMARY KEY (follower, followee))", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await CheckpointAsync(server);
        Console.Error.WriteLine($"import: baseline, one COPY of {rows:N0} rows into one table");
        var clock = Stopwatch.StartNew();
        using (var reader = new StreamReader(baselineFile))
        await using (var copy = await connection.BeginTextImportAsync("COPY follows FROM STDIN (FORMAT csv)"))
        {
            var buffer = new char[1 << 16];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                await copy.WriteAsync(buffer.AsMemory(0, read));
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return new ImportResult("PostgreSQL COPY into 1 table (baseline, repeats removed)", rows, rows, seconds, rows / seconds, null);
    }

    private static async Task CheckpointAsync(PostgresServer server)
    {
        // Both loads start with the WAL of everything before them flushed, so neither pays for the other.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
        await checkpoint.ExecuteNonQueryAsync();
    }

    /// <summary>Resets the kernel's peak-RSS mark, so the next reading covers only the import.</summary>
    private static void ResetPeakMemory() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static double PeakMemoryMegabytes() =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0).Single();

    private static void Print(List<ImportResult> results)
    {
        var table = new MarkdownTable("loader", "edges", "rows written", "seconds", "edges/s", "vs baseline", "peak RSS MB", "LinkBench load, links/s (published, other hardware)");
        foreach (var r in results)
        {
            table.Add(
                r.Loader, MarkdownTable.Rate(r.Edges), MarkdownTable.Rate(r.Rows), MarkdownTable.Number(r.Seconds, "0.0"), MarkdownTable.Rate(r.EdgesPerSecond),
                MarkdownTable.Ratio(r.VersusBaseline), MarkdownTable.Rate(r.PeakRssMegabytes ?? double.NaN), MarkdownTable.Rate(LinkBenchLinksPerSecond));
        }

        table.Print();
    }

    private sealed record ImportResult(string Loader, long Edges, long Rows, double Seconds, double EdgesPerSecond, double? PeakRssMegabytes)
    {
        public double VersusBaseline { get; init; }

        public double LinkBenchLinksPerSecond { get; } = ImportBenchmark.LinkBenchLinksPerSecond;
    }
}
