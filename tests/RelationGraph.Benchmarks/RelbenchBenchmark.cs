using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Grains;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The seed's <c>relbench</c> shape, once per redundancy mode on one full silo (4 shards): N follows by distinct users
/// of one celebrity, acknowledged-follow latency and throughput, how long the fan side takes to land, then page-of-50
/// reads. Sync is the baseline: the double write the seed does. With <c>--buckets 0,16</c>, each mode runs without fan
/// buckets and then with 16: the celebrity moves into buckets after its first <c>--bucket-after</c> fans (1,000), as a
/// silo moves a user past its threshold.
/// </summary>
internal static class RelbenchBenchmark
{
    private static readonly string[] Modes = ["Sync", "Stream", "Cdc"];

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var follows = arguments.Int("follows", 20_000);
        var concurrencies = arguments.Ints("concurrency", [1, 8]);
        var samples = arguments.Int("samples", 2000);
        var modes = arguments.Text("modes") is { } chosen ? chosen.Split(',', StringSplitOptions.TrimEntries) : Modes;
        var bucketCounts = arguments.Ints("buckets", [0], minimum: 0);
        var bucketAfter = arguments.Int("bucket-after", 1_000);
        var readers = arguments.Int("readers", 1);
        var output = arguments.Text("out");
        arguments.RejectUnknown();
        if (modes.FirstOrDefault(m => !Modes.Contains(m, StringComparer.Ordinal)) is { } unknown)
        {
            throw new UsageException($"Unknown mode '{unknown}' in --modes: use {string.Join(", ", Modes)}.");
        }

        await using var server = await BenchmarkServer.StartAsync("relbench", null, cancellationToken);
        using var landings = new LandingLags();
        var results = new List<RelbenchResult>();
        if (bucketCounts.Any(b => b is 1 or > 1024))
        {
            throw new UsageException("--buckets: use 0 (no buckets) or 2 to 1024.");
        }

        foreach (var (mode, buckets) in modes.SelectMany(m => bucketCounts.Select(b => (m, b))))
        {
            var settings = new Dictionary<string, string>
            {
                ["Redundancy"] = mode,
                ["FanBuckets:Threshold"] = buckets == 0 ? long.MaxValue.ToString(CultureInfo.InvariantCulture) : bucketAfter.ToString(CultureInfo.InvariantCulture),
                ["FanBuckets:CheckEvery"] = Math.Min(bucketAfter, 1_000).ToString(CultureInfo.InvariantCulture),
                ["FanBuckets:Buckets"] = Math.Max(buckets, 2).ToString(CultureInfo.InvariantCulture),
            };
            await using var silo = await InProcessSilo.StartAsync(
                server.ConnectionString($"relbench_{mode.ToLowerInvariant()}_b{buckets}"), server.SiloDirectory, settings, cancellationToken);
            await using var client = await silo.ConnectAsync(cancellationToken);
            var label = buckets == 0 ? mode : $"{mode} b={buckets}";
            for (var run = 0; run < concurrencies.Count; run++)
            {
                Console.Error.WriteLine($"relbench: {label}, {follows} follows at {concurrencies[run]} caller(s)");
                var celebrity = new UserId(1_000_000_000L * (run + 1));
                results.Add(await MeasureAsync(
                    label, concurrencies[run], follows, samples, readers, client, silo.Services.GetRequiredService<ShardSet>(), celebrity, landings, cancellationToken));
            }
        }

        Print(results);
        await JsonLines.AppendAsync(output, "relbench", results, cancellationToken);
        return 0;
    }

    private static async Task<RelbenchResult> MeasureAsync(
        string mode, int concurrency, int follows, int samples, int readers, RelationGraphClient client, ShardSet shards, UserId celebrity,
        LandingLags landings, CancellationToken cancellationToken)
    {
        landings.Clear();
        var acks = new ConcurrentBag<double>();
        var next = 0;
        var backlog = BacklogSampler.Start(shards);

        var progress = new ConsoleProgress($"relbench: {mode}, follows of one user at {concurrency} caller(s)", follows);
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pagesDuringLoad = Task.WhenAll(Enumerable.Range(0, readers).Select(_ => Task.Run(
            () => ReadWhileAsync(() => client.GetFansAsync(celebrity, new PageRequest(50), cancellationToken), writing.Token), cancellationToken)));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= follows)
            {
                var start = Stopwatch.GetTimestamp();
                await client.FollowAsync(new UserId(celebrity.Value + i), celebrity, cancellationToken);
                acks.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                progress.Report(i);
            }
        }, cancellationToken)));
        var writeTime = clock.Elapsed;
        progress.Complete();
        await writing.CancelAsync();
        var fanPagesDuringLoad = (await pagesDuringLoad).SelectMany(l => l).Order().ToList();
        while ((await client.GetCountsAsync(celebrity, cancellationToken)).Fans < follows)
        {
            await Task.Delay(5, cancellationToken);
        }

        var drain = clock.Elapsed - writeTime;
        var peakDepth = await backlog.StopAsync();

        var fanPages = await SamplePagesAsync(samples, async random => (await client.GetFansAsync(celebrity, new PageRequest(50), cancellationToken)).Items.Count);
        var followingPages = await SamplePagesAsync(samples, async random =>
            (await client.GetFollowingAsync(new UserId(celebrity.Value + 1 + random.Next(follows)), new PageRequest(50), cancellationToken)).Items.Count);

        var ackSorted = acks.Order().ToList();
        var landingSorted = landings.Sorted();
        return new RelbenchResult(
            mode, concurrency, follows, follows / writeTime.TotalSeconds,
            Percentiles.Of(ackSorted, 0.50), Percentiles.Of(ackSorted, 0.95), Percentiles.Of(ackSorted, 0.99),
            Percentiles.Of(landingSorted, 0.50), Percentiles.Of(landingSorted, 0.99), landingSorted.Count == 0 ? double.NaN : landingSorted[^1],
            peakDepth, drain.TotalMilliseconds,
            readers, fanPagesDuringLoad.Count / writeTime.TotalSeconds, Percentiles.Of(fanPagesDuringLoad, 0.50), Percentiles.Of(fanPagesDuringLoad, 0.99),
            Percentiles.Of(fanPages, 0.50), Percentiles.Of(fanPages, 0.99), Percentiles.Of(followingPages, 0.50), Percentiles.Of(followingPages, 0.99));
    }

    /// <summary>A reader, back to back, until <paramref name="stop"/>: the latencies of <paramref name="read"/>, sorted.</summary>
    private static async Task<List<double>> ReadWhileAsync(Func<Task<EdgePage>> read, CancellationToken stop)
    {
        var latencies = new List<double>();
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            await read();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        latencies.Sort();
        return latencies;
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

    private static void Print(List<RelbenchResult> results)
    {
        var table = new MarkdownTable(["metric", .. results.Select(r => $"{r.Mode} c={r.Concurrency}")]);
        Row("follows/s", r => r.FollowsPerSecond, "N0");
        Row("ack p50 ms", r => r.AckP50, "0.00");
        Row("ack p95 ms", r => r.AckP95, "0.00");
        Row("ack p99 ms", r => r.AckP99, "0.00");
        Row("landing lag p50 ms", r => r.LandingP50, "0.0");
        Row("landing lag p99 ms", r => r.LandingP99, "0.0");
        Row("landing lag max ms", r => r.LandingMax, "0.0");
        Row("peak queue depth", r => r.PeakQueueDepth, "N0");
        Row("drain after last ack ms", r => r.DrainMilliseconds, "0");
        Row("fans page readers during the load", r => r.Readers, "0");
        Row("fans pages/s during the load", r => r.FansPagesPerSecondDuringLoad, "N0");
        Row("fans page-50 p50 ms during the load", r => r.FansPageDuringLoadP50, "0.000");
        Row("fans page-50 p99 ms during the load", r => r.FansPageDuringLoadP99, "0.000");
        Row("fans page-50 p50 ms", r => r.FansPageP50, "0.000");
        Row("fans page-50 p99 ms", r => r.FansPageP99, "0.000");
        Row("following page-50 p50 ms", r => r.FollowingPageP50, "0.000");
        Row("following page-50 p99 ms", r => r.FollowingPageP99, "0.000");
        table.Print();

        void Row(string name, Func<RelbenchResult, double> value, string format) =>
            table.Add([name, .. results.Select(r => MarkdownTable.Number(value(r), format))]);
    }

    private sealed record RelbenchResult(
        string Mode, int Concurrency, int Follows, double FollowsPerSecond,
        double AckP50, double AckP95, double AckP99,
        double LandingP50, double LandingP99, double LandingMax,
        long PeakQueueDepth, double DrainMilliseconds,
        int Readers, double FansPagesPerSecondDuringLoad, double FansPageDuringLoadP50, double FansPageDuringLoadP99,
        double FansPageP50, double FansPageP99, double FollowingPageP50, double FollowingPageP99);
}
