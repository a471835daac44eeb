using System.Globalization;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Scenario 3, mixed load and memory: a Zipf graph bulk-loaded (or found loaded in a reused <c>--data-dir</c>), the
/// released silo as a child process, then 99 % page reads of a Zipf-chosen user's following or fans and 1 % follows
/// through the client SDK, against the same mix done directly with Npgsql (reads: the service's page query on the
/// owner's shard; follows: the write baseline), in alternating rounds. Also the silo's resident memory before and
/// after activating many users' grains, and after the mix.
/// </summary>
internal static class MixedBenchmark
{
    private const int PageSize = 50;
    private const int WarmUpUsers = 100;
    private const double WriteShare = 0.01;
    private const int Read = 0;
    private const int Write = 1;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var graph = new GraphSpec(arguments.Int("users", 1_000_000, minimum: 1000), arguments.Long("edges", 10_000_000), arguments.Skew("skew", 1.1));
        var duration = arguments.Seconds("duration", 60);
        var rounds = arguments.Int("rounds", 6);
        var concurrency = arguments.Int("concurrency", 64);
        var activate = Math.Min(arguments.Int("activate", 100_000), graph.Users - WarmUpUsers);
        var dataDirectory = arguments.Text("data-dir");
        var output = arguments.Text("out");
        arguments.RejectUnknown();
        if (duration / rounds < TimeSpan.FromSeconds(1))
        {
            throw new UsageException("Each round should last a second at least: raise --duration or lower --rounds.");
        }

        await using var server = await BenchmarkServer.StartAsync("mixed", dataDirectory, cancellationToken);
        var meta = server.ConnectionString(graph.Database);
        await using var storage = await ServiceShards.OpenAsync(meta, cancellationToken);
        await GraphLoader.EnsureLoadedAsync(storage.Shards, graph, server.DataDirectory, cancellationToken);
        await using var baseline = await BaselineDatabase.CreateAsync(server, cancellationToken);

        // The silo joins a cluster of its own (a new cluster id): a silo killed in an earlier run on the same data directory
        // may still be listed as active in the membership table.
        Console.Error.WriteLine("mixed: starting the silo process");
        await using var silo = await BenchmarkSilo.StartAsync(meta, server.SiloDirectory, Redundancy, cancellationToken: cancellationToken);
        await using var client = await silo.Endpoint.ConnectAsync(cancellationToken);
        Console.Error.WriteLine($"mixed: silo pid {silo.Process.ProcessId}, gateway {silo.Endpoint.Gateway}, cluster {silo.Endpoint.ClusterId}");

        var users = Enumerable.Range(1, graph.Users).Select(u => new UserId(u)).ToArray();
        Random.Shared.Shuffle(users);
        await ActivateAsync(client, users[..WarmUpUsers], concurrency, null, cancellationToken);
        var idle = await MeasureMemoryAsync(silo, client, cancellationToken);
        await ActivateAsync(client, users[WarmUpUsers..(WarmUpUsers + activate)], concurrency, new ConsoleProgress($"mixed: activating {activate:N0} users' grains (counts)", activate), cancellationToken);
        var activated = await MeasureMemoryAsync(silo, client, cancellationToken);

        var zipf = new ZipfSampler(graph.Users, graph.Skew);
        var pairs = new PairSource(graph.Users);
        var page = new PageRequest(PageSize);
        var serviceMix = Mix(
            zipf, pairs,
            (follower, followee, ct) => client.FollowAsync(new UserId(follower), new UserId(followee), ct),
            (direction, user, ct) => direction == EdgeDirection.Following ? client.GetFollowingAsync(user, page, ct) : client.GetFansAsync(user, page, ct));
        var baselineMix = Mix(zipf, pairs, baseline.FollowAsync, (direction, user, ct) => storage.ReadPageAsync(direction, user, PageSize, ct));
        var service = new LatencyStats();
        var direct = new LatencyStats();
        var longestDrain = TimeSpan.Zero;
        var roundDuration = duration / rounds;
        await Interleaved.RunAsync(
            rounds,
            async round =>
            {
                Console.Error.WriteLine($"mixed: round {round + 1}/{rounds}, service, {concurrency} callers, {roundDuration.TotalSeconds:0.#} s");
                service.Add(await LatencyRecorder.RunAsync(concurrency, roundDuration, serviceMix, cancellationToken));
                var drain = await storage.WaitForFansToLandAsync(Enum.Parse<Grains.Redundancy>(Redundancy), cancellationToken);
                longestDrain = drain > longestDrain ? drain : longestDrain;
            },
            async round =>
            {
                Console.Error.WriteLine($"mixed: round {round + 1}/{rounds}, baseline, {concurrency} callers, {roundDuration.TotalSeconds:0.#} s");
                direct.Add(await LatencyRecorder.RunAsync(concurrency, roundDuration, baselineMix, cancellationToken));
            });
        var after = await MeasureMemoryAsync(silo, client, cancellationToken);

        var result = new MixedResult(
            graph.ToString(), Redundancy, silo.Endpoint.Transport, concurrency, rounds, roundDuration.TotalSeconds, WriteShare,
            new MixedSide(service.PerSecond, service.Summarize(Read), service.Summarize(Write)),
            new MixedSide(direct.PerSecond, direct.Summarize(Read), direct.Summarize(Write)),
            longestDrain.TotalMilliseconds, activate, idle, activated, after,
            PerActivation(activated.Memory.Rss - idle.Memory.Rss),
            PerActivation(activated.Memory.AnonymousRss - idle.Memory.AnonymousRss),
            PerActivation(activated.GcCommittedBytes - idle.GcCommittedBytes));
        Print(result);
        await JsonLines.AppendAsync(output, "mixed", [result], cancellationToken);
        return 0;

        double PerActivation(long bytes) =>
            activated.Activations.UserGrains > idle.Activations.UserGrains ? (double)bytes / (activated.Activations.UserGrains - idle.Activations.UserGrains) : double.NaN;
    }

    /// <summary>
    /// One operation of the mix, as <see cref="LatencyRecorder.RunAsync"/> calls it: a follow of a new pair with
    /// probability <see cref="WriteShare"/>, else a page of a Zipf-chosen user's following or fans, half and half.
    /// </summary>
    private static Func<long, CancellationToken, Task<int>> Mix(
        ZipfSampler zipf, PairSource pairs, Func<long, long, CancellationToken, Task> follow, Func<EdgeDirection, UserId, CancellationToken, Task> readPage) =>
        async (_, cancellationToken) =>
        {
            if (Random.Shared.NextDouble() < WriteShare)
            {
                var (follower, followee) = pairs.Next();
                await follow(follower, followee, cancellationToken);
                return Write;
            }

            await readPage(Random.Shared.Next(2) == 0 ? EdgeDirection.Following : EdgeDirection.Fans, new UserId(zipf.Next(Random.Shared)), cancellationToken);
            return Read;
        };

    /// <summary>Reads the counts of every user, <paramref name="concurrency"/> at a time: activates each user's following and fan grains.</summary>
    private static async Task ActivateAsync(RelationGraphClient client, UserId[] users, int concurrency, ConsoleProgress? progress, CancellationToken cancellationToken)
    {
        var done = 0L;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (user, ct) =>
        {
            await client.GetCountsAsync(user, ct);
            progress?.Report(Interlocked.Increment(ref done));
        });
        progress?.Complete();
    }

    /// <summary>
    /// The silo's activations and memory once the last phase has had a moment to settle: the GC's committed memory less
    /// fragmentation right after a full collection (which also lets the RSS read after it shed what the collection freed),
    /// then its RSS.
    /// </summary>
    private static async Task<MemoryPoint> MeasureMemoryAsync(BenchmarkSilo silo, RelationGraphClient client, CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        var activations = await SiloInspector.GetActivationsAsync(client.ClusterClient, cancellationToken);
        var committed = await SiloInspector.GetGcCommittedAfterFullCollectionAsync(client.ClusterClient, cancellationToken);
        return new MemoryPoint(silo.Memory, committed, activations);
    }

    /// <summary>The redundancy mode the silo runs: <c>RelationGraph__Redundancy</c> from the environment it inherits, else the default.</summary>
    private static string Redundancy =>
        Environment.GetEnvironmentVariable("RelationGraph__Redundancy") is { Length: > 0 } configured ? configured : new RedundancyOptions().Redundancy.ToString();

    private static void Print(MixedResult r)
    {
        var table = new MarkdownTable("metric", "service", "baseline", "ratio");
        table.Add("ops/s", MarkdownTable.Rate(r.Service.OpsPerSecond), MarkdownTable.Rate(r.Baseline.OpsPerSecond), MarkdownTable.Ratio(r.Service.OpsPerSecond / r.Baseline.OpsPerSecond));
        Latency("reads", r.Service.Reads, r.Baseline.Reads);
        Latency("writes", r.Service.Writes, r.Baseline.Writes);
        table.Add("longest fan drain after a round ms", MarkdownTable.Number(r.LongestFanDrainMilliseconds, "0"), "-", "-");
        Memory($"silo memory, idle ({Describe(r.Idle.Activations)})", r.Idle);
        Memory($"silo memory, {r.ActivatedUsers:N0} users' counts read ({Describe(r.Activated.Activations)})", r.Activated);
        table.Add("silo RSS per added activation", MarkdownTable.Number(r.RssBytesPerActivation, "N0") + " B", "-", "-");
        table.Add("silo anonymous RSS per added activation", MarkdownTable.Number(r.AnonymousBytesPerActivation, "N0") + " B", "-", "-");
        table.Add("silo GC committed per added activation", MarkdownTable.Number(r.GcCommittedBytesPerActivation, "N0") + " B", "-", "-");
        Memory($"silo memory after the mix ({Describe(r.AfterMix.Activations)})", r.AfterMix);
        table.Add("silo peak RSS (VmHWM)", MarkdownTable.Mebibytes(r.AfterMix.Memory.PeakRss), "-", "-");
        table.Print();
        Console.WriteLine();
        Console.WriteLine($"graph: {r.Graph}. {r.Concurrency} callers, {r.Rounds} round(s) of {r.SecondsPerRound:0.#} s per side, alternating; " +
            $"{1 - r.WriteShare:P0} first-page reads (50) of following or fans of a Zipf-chosen user, {r.WriteShare:P0} follows of new random pairs.");
        Console.WriteLine($"service: the client SDK ({r.Transport}) against the released silo in a child process (1 silo, 4 shards, Redundancy {r.Redundancy}); RSS is that process's alone (/proc/PID/status).");
        Console.WriteLine("memory: per added activation of a following or fan grain; GC committed = the GC's committed memory less fragmentation right after a forced full collection " +
            "(Orleans' memory statistic, through the management grain), an upper bound of the live heap (the memory scenario measures both in-process).");
        Console.WriteLine("baseline: reads = the service's first-page SELECT with Npgsql on the owner's shard; writes = " + BaselineDatabase.Description + ".");

        void Latency(string name, LatencySummary service, LatencySummary baseline)
        {
            table.Add(name, service.Count.ToString("N0", CultureInfo.InvariantCulture), baseline.Count.ToString("N0", CultureInfo.InvariantCulture), "-");
            table.Add($"{name} p50 ms", MarkdownTable.Milliseconds(service.P50), MarkdownTable.Milliseconds(baseline.P50), MarkdownTable.Ratio(service.P50 / baseline.P50));
            table.Add($"{name} p99 ms", MarkdownTable.Milliseconds(service.P99), MarkdownTable.Milliseconds(baseline.P99), MarkdownTable.Ratio(service.P99 / baseline.P99));
        }

        void Memory(string name, MemoryPoint point) =>
            table.Add(
                name,
                $"RSS {MarkdownTable.Mebibytes(point.Memory.Rss)} (anon {MarkdownTable.Mebibytes(point.Memory.AnonymousRss)}), GC committed {MarkdownTable.Mebibytes(point.GcCommittedBytes)}",
                "-",
                "-");

        static string Describe(Activations a) =>
            string.Create(CultureInfo.InvariantCulture, $"{a.Following:N0} following + {a.Fans:N0} fan grains, {a.Total:N0} activations in all");
    }

    private sealed record MemoryPoint(SiloMemory Memory, long GcCommittedBytes, Activations Activations);

    private sealed record MixedSide(double OpsPerSecond, LatencySummary Reads, LatencySummary Writes);

    private sealed record MixedResult(
        string Graph, string Redundancy, string Transport, int Concurrency, int Rounds, double SecondsPerRound, double WriteShare,
        MixedSide Service, MixedSide Baseline, double LongestFanDrainMilliseconds,
        int ActivatedUsers, MemoryPoint Idle, MemoryPoint Activated, MemoryPoint AfterMix,
        double RssBytesPerActivation, double AnonymousBytesPerActivation, double GcCommittedBytesPerActivation);
}
