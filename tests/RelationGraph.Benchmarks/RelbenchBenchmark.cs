using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RelationGraph.Abstractions;
using RelationGraph.Actors.Runtime;
using RelationGraph.Client;
using RelationGraph.EmbeddedPostgres;
using RelationGraph.Grains;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The seed's <c>relbench</c> shape, once per redundancy mode on one full silo (4 shards): N follows by distinct users
/// of one celebrity, acknowledged-follow latency and throughput, how long the fan side takes to land, then page-of-50
/// reads. Sync is the baseline: the double write the seed does.
/// </summary>
internal static class RelbenchBenchmark
{
    private static readonly string[] Modes = ["Sync", "Stream", "Cdc"];

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var directory = Directory.CreateTempSubdirectory("relationgraph-relbench-");
        var server = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = directory.FullName });
        var landings = new ConcurrentQueue<double>();
        using var listener = ListenToLandings(landings);
        var results = new List<RelbenchResult>();
        try
        {
            foreach (var mode in Modes)
            {
                var host = await StartSiloAsync(server.GetConnectionString($"relbench_{mode.ToLowerInvariant()}"), mode);
                try
                {
                    var gateway = $"127.0.0.1:{host.Services.GetRequiredService<LocalSiloDetails>().GatewayPort}";
                    await using var client = await RelationGraphClient.ConnectAsync(new RelationGraphClientOptions { Gateways = { gateway }, ClusterSecret = "relbench" });
                    for (var run = 0; run < arguments.Concurrency.Count; run++)
                    {
                        var concurrency = arguments.Concurrency[run];
                        Console.Error.WriteLine($"relbench: {mode}, {arguments.Follows} follows at {concurrency} caller(s)");
                        var celebrity = new UserId(1_000_000_000L * (run + 1));
                        results.Add(await MeasureAsync(mode, concurrency, arguments, client, host.Services.GetRequiredService<ShardSet>(), celebrity, landings));
                    }
                }
                finally
                {
                    await host.StopAsync();
                    host.Dispose();
                }
            }
        }
        finally
        {
            await server.StopAsync();
            directory.Delete(recursive: true);
        }

        Print(results);
        if (arguments.Output is { } output)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.AppendAllLinesAsync(output, results.Select(r => JsonSerializer.Serialize(new { scenario = "relbench", at = DateTimeOffset.UtcNow, result = r })));
        }

        return 0;
    }

    private static async Task<RelbenchResult> MeasureAsync(
        string mode, int concurrency, BenchmarkArguments arguments, RelationGraphClient client, ShardSet shards, UserId celebrity, ConcurrentQueue<double> landings)
    {
        landings.Clear();
        var acks = new ConcurrentBag<double>();
        var next = 0;
        var peakDepth = 0L;
        using var sampling = new CancellationTokenSource();
        var depthSampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakDepth = Math.Max(peakDepth, await QueueDepthAsync(shards));
                await Task.Delay(20);
            }
        });

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= arguments.Follows)
            {
                var start = Stopwatch.GetTimestamp();
                await client.FollowAsync(new UserId(celebrity.Value + i), celebrity);
                acks.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        var writeTime = clock.Elapsed;
        while ((await client.GetCountsAsync(celebrity)).Fans < arguments.Follows)
        {
            await Task.Delay(5);
        }

        var drain = clock.Elapsed - writeTime;
        await sampling.CancelAsync();
        await depthSampler;

        var fanPages = await SamplePagesAsync(arguments.Samples, async random => (await client.GetFansAsync(celebrity, new PageRequest(50))).Items.Count);
        var followingPages = await SamplePagesAsync(arguments.Samples, async random =>
            (await client.GetFollowingAsync(new UserId(celebrity.Value + 1 + random.Next(arguments.Follows)), new PageRequest(50))).Items.Count);

        var ackSorted = acks.Order().ToList();
        var landingSorted = landings.Order().ToList();
        return new RelbenchResult(
            mode, concurrency, arguments.Follows, arguments.Follows / writeTime.TotalSeconds,
            Percentiles.Of(ackSorted, 0.50), Percentiles.Of(ackSorted, 0.95), Percentiles.Of(ackSorted, 0.99),
            Percentiles.Of(landingSorted, 0.50), Percentiles.Of(landingSorted, 0.99), landingSorted.Count == 0 ? double.NaN : landingSorted[^1],
            peakDepth, drain.TotalMilliseconds,
            Percentiles.Of(fanPages, 0.50), Percentiles.Of(fanPages, 0.99), Percentiles.Of(followingPages, 0.50), Percentiles.Of(followingPages, 0.99));
    }

    private static async Task<List<double>> SamplePagesAsync(int samples, Func<Random, Task<int>> read)
    {
        var random = new Random(7);
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await read(random);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        latencies.Sort();
        return latencies;
    }

    private static async Task<long> QueueDepthAsync(ShardSet shards)
    {
        var total = 0L;
        foreach (var (_, dataSource) in shards.Databases)
        {
            await using var count = dataSource.CreateCommand("SELECT count(*) FROM stream_events");
            total += (long)(await count.ExecuteScalarAsync())!;
        }

        return total;
    }

    private static MeterListener ListenToLandings(ConcurrentQueue<double> landings)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == FanMetrics.LandingLag)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => landings.Enqueue(value));
        listener.Start();
        return listener;
    }

    private static async Task<IHost> StartSiloAsync(string meta, string mode)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RelationGraph:ConnectionString"] = meta,
            ["RelationGraph:ClusterSecret"] = "relbench",
            ["RelationGraph:SiloPort"] = "0",
            ["RelationGraph:GatewayPort"] = "0",
            ["RelationGraph:Redundancy"] = mode,
        });
        builder.AddRelationGraphStorage();
        builder.AddRelationGraphSilo();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static void Print(List<RelbenchResult> results)
    {
        var columns = results.Select(r => $"{r.Mode} c={r.Concurrency}").ToList();
        Console.WriteLine();
        Console.WriteLine($"| metric | {string.Join(" | ", columns)} |");
        Console.WriteLine($"|---|{string.Concat(columns.Select(_ => "---:|"))}");
        Row("follows/s", r => r.FollowsPerSecond, "N0");
        Row("ack p50 ms", r => r.AckP50, "0.00");
        Row("ack p95 ms", r => r.AckP95, "0.00");
        Row("ack p99 ms", r => r.AckP99, "0.00");
        Row("landing lag p50 ms", r => r.LandingP50, "0.0");
        Row("landing lag p99 ms", r => r.LandingP99, "0.0");
        Row("landing lag max ms", r => r.LandingMax, "0.0");
        Row("peak queue depth", r => r.PeakQueueDepth, "N0");
        Row("drain after last ack ms", r => r.DrainMilliseconds, "0");
        Row("fans page-50 p50 ms", r => r.FansPageP50, "0.000");
        Row("fans page-50 p99 ms", r => r.FansPageP99, "0.000");
        Row("following page-50 p50 ms", r => r.FollowingPageP50, "0.000");
        Row("following page-50 p99 ms", r => r.FollowingPageP99, "0.000");

        void Row(string name, Func<RelbenchResult, double> value, string format) =>
            Console.WriteLine($"| {name} | {string.Join(" | ", results.Select(r => value(r).ToString(format, CultureInfo.InvariantCulture)))} |");
    }

    private sealed record RelbenchResult(
        string Mode, int Concurrency, int Follows, double FollowsPerSecond,
        double AckP50, double AckP95, double AckP99,
        double LandingP50, double LandingP99, double LandingMax,
        long PeakQueueDepth, double DrainMilliseconds,
        double FansPageP50, double FansPageP99, double FollowingPageP50, double FollowingPageP99);
}
