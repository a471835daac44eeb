using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RelationGraph.Persistence;
using RelationGraph.Persistence.BulkImport;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Cli;

/// <summary>The bulk commands: they work on the databases directly, not through the cluster.</summary>
internal static partial class RelgraphCommand
{
    private const string MetaVariable = "RELGRAPH_META";

    private static Command GenerateCommand(ConnectionOptions connection)
    {
        var users = new Option<int>("--users") { Description = "Users in the graph.", Required = true };
        var edges = new Option<long>("--edges") { Description = "Edges to write.", Required = true };
        var skew = new Option<string>("--skew") { Description = "How fans concentrate: zipf:EXPONENT.", DefaultValueFactory = _ => "zipf:1.1" };
        var seed = new Option<int>("--seed") { Description = "The same seed gives the same graph.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        var command = new Command("generate", "Write a reproducible power-law edge list (follower,followee,unix_ms) for import.") { users, edges, skew, seed, output };
        SetAction(command, connection, async run =>
        {
            var generator = new EdgeListGenerator(run.Value(users), run.Value(edges), EdgeListGenerator.ParseSkew(run.Value(skew)!), run.Value(seed));
            var path = run.Value(output);
            await using var file = path is null ? null : new StreamWriter(path);
            var writer = file ?? run.Stdout;
            foreach (var line in generator.Generate())
            {
                await writer.WriteLineAsync(line.ToString().AsMemory(), run.CancellationToken);
            }
        });
        return command;
    }

    private static Command ImportCommand(ConnectionOptions connection)
    {
        var file = new Argument<string>("file") { Description = "The edge list (follower,followee[,unix_ms] per line), or - for standard input.", DefaultValueFactory = _ => "-" };
        var meta = new Option<string?>("--meta") { Description = $"The meta database's connection string (default: ${MetaVariable})." };
        var command = new Command("import", "Load an edge list into both copies, sharded, with counts; safe to run again.") { file, meta };
        SetAction(command, connection, async run =>
        {
            var metaConnectionString = run.Value(meta) ?? Environment.GetEnvironmentVariable(MetaVariable)
                ?? throw new RelgraphException($"import needs the meta database: --meta \"Host=...;Database=...\" or ${MetaVariable}.");
            var path = run.Value(file)!;
            var spooled = path == "-" ? await SpoolAsync(Console.OpenStandardInput(), run.CancellationToken) : path;
            try
            {
                await using var shards = new ShardSet();
                // A one-off tool waits for a busy server rather than failing fast the way a silo's request path must.
                var settings = new StorageOptions { ShardConnectTimeout = TimeSpan.FromSeconds(30) };
                await StorageBootstrap.InitializeAsync(shards, metaConnectionString, settings, run.CancellationToken, adoptStoredMap: true);
                var summary = await new EdgeImporter(shards).ImportAsync(spooled, new ProgressBar(run.Stderr), run.CancellationToken);
                await run.Stderr.WriteLineAsync();
                await run.Stdout.WriteLineAsync(run.Json
                    ? JsonSerializer.Serialize(new { edges = summary.Lines, newFollows = summary.NewFollows, seconds = summary.Elapsed.TotalSeconds, edgesPerSecond = Math.Round(summary.EdgesPerSecond) })
                    : string.Create(CultureInfo.InvariantCulture, $"imported {summary.Lines:N0} edges ({summary.NewFollows:N0} new follows) in {summary.Elapsed.TotalSeconds:0.0} s, {summary.EdgesPerSecond:N0} edges/s"));
            }
            finally
            {
                if (spooled != path)
                {
                    File.Delete(spooled);
                }
            }
        });
        return command;
    }

    /// <summary>Standard input is copied to a temporary file first: the importer reads its input twice (a line count for the progress bar, then the edges).</summary>
    private static async Task<string> SpoolAsync(Stream input, CancellationToken cancellationToken)
    {
        var path = Path.GetTempFileName();
        await using var file = File.Create(path);
        await input.CopyToAsync(file, cancellationToken);
        return path;
    }

    /// <summary>A one-line progress bar on standard error: stage, percentage, edges, rate and time left in the stage.</summary>
    private sealed class ProgressBar(TextWriter error) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            var stage = value.Stage == ImportStage.Reading ? "reading" : "writing";
            var fraction = value.TotalEdges == 0 ? 1 : (double)value.Edges / value.TotalEdges;
            var bar = new string('#', (int)(fraction * 30)).PadRight(30);
            var eta = value.Remaining is { } left ? left.ToString(@"m\:ss", CultureInfo.InvariantCulture) : "-";
            error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r{stage} [{bar}] {fraction,4:P0} {value.Edges:N0}/{value.TotalEdges:N0} edges {value.EdgesPerSecond:N0} edges/s ETA {eta}  "));
        }
    }
}
