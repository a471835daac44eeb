using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Scenario 1, writes: follows through the client SDK (random follower/followee pairs, never repeated) on one silo with
/// 4 shards (<c>--shards</c>), against the seed's double write done directly with Npgsql (<see cref="BaselineDatabase"/>), at each
/// concurrency, in alternating rounds, after an unmeasured warm-up of each side. After each service round the run waits for the fan copies to land, so the
/// asynchronous fan writes of one side never run during the other's round.
/// </summary>
internal static class WriteBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var concurrencies = arguments.Ints("concurrency", [1, 8, 64]);
        var duration = arguments.Seconds("duration", 5);
        var rounds = arguments.Int("rounds", 3);
        var users = arguments.Int("users", 100_000, minimum: 1000);
        var followees = arguments.Int("followees", users, minimum: 2);
        var shardCount = arguments.Int("shards", new StorageOptions().Shards, minimum: 1);
        var output = arguments.Text("out");
        var warmUp = arguments.Seconds("warmup", 10);
        var statements = arguments.Int("statements", 0, minimum: 0);
        arguments.RejectUnknown();

        await using var server = await BenchmarkServer.StartAsync("write", null, cancellationToken, trackStatements: statements > 0);
        var meta = server.ConnectionString("relationgraph");
        await using var storage = await ServiceShards.OpenAsync(meta, shardCount, cancellationToken);
        await using var baseline = await BaselineDatabase.CreateAsync(server, cancellationToken);
        var settings = new Dictionary<string, string> { ["Shards"] = shardCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var silo = await InProcessSilo.StartAsync(meta, server.SiloDirectory, settings, cancellationToken);
        await using var client = await silo.ConnectAsync(cancellationToken);

        var pairs = new PairSource(users, followees);
        var shards = silo.Services.GetRequiredService<ShardSet>();
        using var landings = new LandingLags();

        // Neither side is measured until the JIT has moved their hot code to its final tier and pools and plans are warm:
        // the service runs much more code than the baseline, so short rounds would otherwise charge it for compiling.
        Console.Error.WriteLine($"write: warming up, {warmUp.TotalSeconds:0.#} s per side");
        long serviceFollows = 0, baselineFollows = 0;
        async Task<int> ServiceFollowAsync(long _, CancellationToken ct)
        {
            var (follower, followee) = pairs.Next();
            await client.FollowAsync(new UserId(follower), new UserId(followee), ct);
            Interlocked.Increment(ref serviceFollows);
            return 0;
        }

        async Task<int> BaselineFollowAsync(long _, CancellationToken ct)
        {
            var (follower, followee) = pairs.Next();
            await baseline.FollowAsync(follower, followee, ct);
            Interlocked.Increment(ref baselineFollows);
            return 0;
        }

        await LatencyRecorder.RunAsync(concurrencies.Max(), warmUp, ServiceFollowAsync, cancellationToken);
        await LatencyRecorder.RunAsync(concurrencies.Max(), warmUp, BaselineFollowAsync, cancellationToken);
        await storage.WaitForFansToLandAsync(silo.Redundancy, cancellationToken);
        var (warmFollowing, warmFans) = await storage.CountEdgesAsync(cancellationToken);
        var warmBaseline = await baseline.CountEdgesAsync(cancellationToken);
        if (statements > 0)
        {
            await StatementStats.ResetAsync(server, cancellationToken);
        }

        (serviceFollows, baselineFollows) = (0, 0);
        var results = new List<WriteResult>();
        foreach (var concurrency in concurrencies)
        {
            var service = new LatencyStats();
            var direct = new LatencyStats();
            var longestDrain = TimeSpan.Zero;
            CpuUsage serviceCpu = default, baselineCpu = default;
            var landed = new List<double>();
            var peakBacklog = 0L;
            await Interleaved.RunAsync(
                rounds,
                async round =>
                {
                    Console.Error.WriteLine($"write: {concurrency} caller(s), round {round + 1}/{rounds}, service, {duration.TotalSeconds:0.#} s");
                    var cpu = new CpuMeter();
                    landings.Clear();
                    var backlog = BacklogSampler.Start(shards);
                    service.Add(await LatencyRecorder.RunAsync(concurrency, duration, ServiceFollowAsync, cancellationToken));
                    var drain = await storage.WaitForFansToLandAsync(silo.Redundancy, cancellationToken);
                    peakBacklog = Math.Max(peakBacklog, await backlog.StopAsync());
                    landed.AddRange(landings.Sorted());
                    longestDrain = drain > longestDrain ? drain : longestDrain;

                    // The fan copies are part of a follow's work: the service's CPU is counted until they have landed.
                    serviceCpu += cpu.Read();
                },
                async round =>
                {
                    Console.Error.WriteLine($"write: {concurrency} caller(s), round {round + 1}/{rounds}, baseline, {duration.TotalSeconds:0.#} s");
                    var cpu = new CpuMeter();
                    direct.Add(await LatencyRecorder.RunAsync(concurrency, duration, BaselineFollowAsync, cancellationToken));
                    baselineCpu += cpu.Read();
                });
            var (s, b) = (service.Summarize(0), direct.Summarize(0));
            landed.Sort();
            results.Add(new WriteResult(
                concurrency, rounds, duration.TotalSeconds, users, followees, shardCount, silo.Redundancy.ToString(), s, b, s.PerSecond / b.PerSecond, longestDrain.TotalMilliseconds,
                serviceCpu.MachineMicrosecondsPer(s.Count), serviceCpu.ProcessMicrosecondsPer(s.Count), serviceCpu.AllocatedBytesPer(s.Count),
                Percentiles.Of(landed, 0.50), Percentiles.Of(landed, 0.99), peakBacklog,
                baselineCpu.MachineMicrosecondsPer(b.Count), baselineCpu.ProcessMicrosecondsPer(b.Count), baselineCpu.AllocatedBytesPer(b.Count), BaselineDatabase.Description));
        }

        var stored = await storage.CountEdgesAsync(cancellationToken);
        stored = (stored.Following - warmFollowing, stored.Fans - warmFans);
        var baselineStored = await baseline.CountEdgesAsync(cancellationToken);
        baselineStored = (baselineStored.Following - warmBaseline.Following, baselineStored.Fans - warmBaseline.Fans);
        Console.Error.WriteLine($"write: check (measured rounds): service acknowledged {serviceFollows:N0} follows, stores {stored.Following:N0} following and {stored.Fans:N0} fans rows; " +
            $"baseline did {baselineFollows:N0}, stores {baselineStored.Following:N0} and {baselineStored.Fans:N0}");

        var table = new MarkdownTable(
            "callers", "service follows/s", "p50 ms", "p99 ms", "CPU µs/follow", "(in silo+client)", "KB allocated/follow", "landing lag p50 / p99 ms", "peak backlog",
            "baseline follows/s", "p50 ms", "p99 ms", "CPU µs/follow", "(in client)", "KB allocated/follow", "throughput ratio", "max fan drain ms");
        foreach (var r in results)
        {
            table.Add(
                r.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                MarkdownTable.Rate(r.Service.PerSecond), MarkdownTable.Milliseconds(r.Service.P50), MarkdownTable.Milliseconds(r.Service.P99),
                MarkdownTable.Number(r.ServiceCpuMicroseconds, "0"), MarkdownTable.Number(r.ServiceProcessCpuMicroseconds, "0"),
                MarkdownTable.Number(r.ServiceAllocatedBytes / 1024, "0.0"),
                $"{MarkdownTable.Number(r.LandingP50Milliseconds, "0.0")} / {MarkdownTable.Number(r.LandingP99Milliseconds, "0.0")}", MarkdownTable.Number(r.PeakBacklog, "N0"),
                MarkdownTable.Rate(r.Baseline.PerSecond), MarkdownTable.Milliseconds(r.Baseline.P50), MarkdownTable.Milliseconds(r.Baseline.P99),
                MarkdownTable.Number(r.BaselineCpuMicroseconds, "0"), MarkdownTable.Number(r.BaselineProcessCpuMicroseconds, "0"),
                MarkdownTable.Number(r.BaselineAllocatedBytes / 1024, "0.0"),
                MarkdownTable.Ratio(r.ThroughputRatio), MarkdownTable.Number(r.MaxFanDrainMilliseconds, "0"));
        }

        table.Print();
        Console.WriteLine();
        Console.WriteLine($"service: FollowAsync through the client SDK ({silo.Endpoint.Transport}), 1 in-process silo, {shardCount} shard(s) on one PostgreSQL, Redundancy {silo.Redundancy}; {rounds} round(s) of {duration.TotalSeconds:0.#} s per side and concurrency, alternating; pairs among {users:N0} users{(followees < users ? $", followees among the first {followees:N0}" : "")}.");
        Console.WriteLine($"baseline: {BaselineDatabase.Description}.");
        Console.WriteLine("landing lag: follow event time to fan row written, as the fan grains measure it; peak backlog: the most stream events waiting (sampled every 100 ms). Both over the service rounds, until their fans landed.");
        Console.WriteLine("CPU µs/follow: the whole machine's busy CPU time (/proc/stat) per acknowledged follow, the service's until its fan copies landed; in brackets the part of the benchmark process (the SDK client and silo, or the baseline's Npgsql client), the rest being PostgreSQL's. KB allocated/follow: the bytes the benchmark process allocated per acknowledged follow, over the same time (unlike CPU time, not moved by the machine's speed).");
        if (statements > 0)
        {
            await StatementStats.PrintAsync(server, "relationgraph%", statements, serviceFollows, "service follow", cancellationToken);
            await StatementStats.PrintAsync(server, "baseline%", statements, baselineFollows, "baseline follow", cancellationToken);
        }

        await JsonLines.AppendAsync(output, "write", results, cancellationToken);
        return stored.Following == serviceFollows && stored.Fans == serviceFollows && baselineStored == (baselineFollows, baselineFollows) ? 0 : Mismatch();
    }

    private static int Mismatch()
    {
        Console.Error.WriteLine("write: stored rows do not match the acknowledged follows");
        return 1;
    }

    private sealed record WriteResult(
        int Concurrency, int Rounds, double SecondsPerRound, int Users, int Followees, int Shards, string Redundancy,
        LatencySummary Service, LatencySummary Baseline, double ThroughputRatio, double MaxFanDrainMilliseconds,
        double ServiceCpuMicroseconds, double ServiceProcessCpuMicroseconds, double ServiceAllocatedBytes, double LandingP50Milliseconds, double LandingP99Milliseconds, long PeakBacklog,
        double BaselineCpuMicroseconds, double BaselineProcessCpuMicroseconds, double BaselineAllocatedBytes, string BaselineSchema);
}
