using System.Globalization;
using RelationGraph.Persistence.BulkImport;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>A reproducible Zipf follow graph, as <c>relgraph generate</c> makes it, and the meta database holding it once loaded.</summary>
internal sealed record GraphSpec(int Users, long Edges, double Skew, int Seed = 1)
{
    /// <summary>One meta database per graph, so graphs of different sizes never mix in a reused data directory.</summary>
    public string Database => string.Create(CultureInfo.InvariantCulture, $"graph_u{Users}_e{Edges}_z{Skew.ToString(CultureInfo.InvariantCulture).Replace('.', '_')}_s{Seed}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Users:N0} users, {Edges:N0} edges, zipf:{Skew}");
}

/// <summary>Loads a <see cref="GraphSpec"/> into the service's shards with the bulk importer, as an operator would with <c>relgraph generate | relgraph import</c>.</summary>
internal static class GraphLoader
{
    /// <summary>
    /// Generates the edge list into <paramref name="workDirectory"/>, imports it into <paramref name="shards"/> and
    /// vacuums the shards; skipped when a marker in <paramref name="workDirectory"/> says this graph was loaded before.
    /// True when it imported.
    /// </summary>
    public static async Task<bool> EnsureLoadedAsync(ShardSet shards, GraphSpec graph, string workDirectory, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(workDirectory, $"{graph.Database}.loaded");
        if (File.Exists(marker))
        {
            Console.Error.WriteLine($"graph: {graph} already loaded in {graph.Database}, not importing again");
            return false;
        }

        var edgeList = Path.Combine(workDirectory, $"{graph.Database}.csv");
        try
        {
            var generating = new ConsoleProgress($"graph: generating {graph}", graph.Edges);
            await using (var writer = new StreamWriter(edgeList))
            {
                var written = 0L;
                foreach (var line in new EdgeListGenerator(graph.Users, graph.Edges, graph.Skew, graph.Seed).Generate())
                {
                    await writer.WriteLineAsync(line.ToString().AsMemory(), cancellationToken);
                    if (++written % 10_000 == 0 || written == graph.Edges)
                    {
                        generating.Report(written);
                    }
                }
            }

            generating.Complete();

            // Re-importing after an interrupted run is safe: the importer merges, so edges already there are kept once.
            var importing = new ConsoleProgress("graph: importing", graph.Edges);
            var summary = await new EdgeImporter(shards).ImportAsync(edgeList, importing, cancellationToken);
            importing.Complete();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"graph: imported {summary.Lines:N0} edges ({summary.NewFollows:N0} distinct follows) in {summary.Elapsed.TotalSeconds:0.0} s"));
        }
        finally
        {
            File.Delete(edgeList);
        }

        // Fresh statistics and visibility maps now, so autovacuum does not start in the middle of a measurement.
        Console.Error.WriteLine("graph: VACUUM ANALYZE on every shard");
        foreach (var shard in shards.All)
        {
            await shard.RunAsync(async (dataSource, ct) =>
            {
                await using var vacuum = dataSource.CreateCommand("VACUUM ANALYZE");
                vacuum.CommandTimeout = 0;
                return await vacuum.ExecuteNonQueryAsync(ct);
            }, cancellationToken);
        }

        await File.WriteAllTextAsync(marker, graph.ToString(), cancellationToken);
        return true;
    }
}
