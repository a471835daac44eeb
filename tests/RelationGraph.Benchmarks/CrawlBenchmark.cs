using System.Diagnostics;
using System.Globalization;
using RelationGraph.Abstractions;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Memory under millions of distinct users: a crawl touches <c>--users</c> distinct users, 64 at a time, each with one read
/// (its counts: both of its grains activate) and then one follow (of the next user). Twice, each time on a fresh silo
/// process and databases: first as Orleans leaves a silo by default (activations live until idle for the collection age,
/// longer than the run), then as RelationGraph runs it, shedding activations under memory pressure, with the runtime's
/// heap bounded at <c>--bound-mb</c> (<c>DOTNET_GCHeapHardLimit</c>). The silo's RSS is sampled every second.
/// </summary>
internal static class CrawlBenchmark
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var users = arguments.Int("users", 1_000_000, minimum: 100);
        var concurrency = arguments.Int("concurrency", 64);
        var boundMebibytes = arguments.Int("bound-mb", 512, minimum: 64);
        var output = arguments.Text("out");
        var phases = (arguments.Text("phases") ?? "unbounded,bounded").Split(',');
        arguments.RejectUnknown();
        if (phases.Except(["unbounded", "bounded"]).FirstOrDefault() is { } unknown)
        {
            throw new UsageException($"unknown crawl phase '{unknown}': use unbounded, bounded or both.");
        }

        await using var server = await BenchmarkServer.StartAsync("crawl", null, cancellationToken);
        var results = new List<CrawlPhase>();
        if (phases.Contains("unbounded"))
        {
            results.Add(await RunPhaseAsync(
                server, "unbounded", users, concurrency, null,
                new Dictionary<string, string?> { [$"{RelationGraphSiloBuilderExtensions.GrainCollectionSectionName}:EnableActivationSheddingOnMemoryPressure"] = "false" },
                null, cancellationToken));
        }

        if (phases.Contains("bounded"))
        {
            results.Add(await RunPhaseAsync(
                server, "bounded", users, concurrency, boundMebibytes, null,
                new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = ((long)boundMebibytes * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture) },
                cancellationToken));
        }

        Print(results);
        await JsonLines.AppendAsync(output, "crawl", results, cancellationToken);
        return 0;
    }

    private static async Task<CrawlPhase> RunPhaseAsync(
        BenchmarkServer server, string name, int users, int concurrency, int? boundMebibytes,
        IReadOnlyDictionary<string, string?>? settings, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"crawl: {name}: starting a silo process");
        await using var silo = await BenchmarkSilo.StartAsync(
            server.ConnectionString($"crawl_{name}"), Path.Combine(server.SiloDirectory, name), "Stream", settings, environment, cancellationToken);
        await using var client = await silo.Endpoint.ConnectAsync(cancellationToken);
        var idle = silo.Memory;

        var reads = new double[users];
        var follows = new double[users];
        var samples = new List<RssSample>();
        var done = 0L;
        var clock = Stopwatch.StartNew();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleAsync(silo, clock, () => Interlocked.Read(ref done), samples, sampling.Token);

        var progress = new ConsoleProgress($"crawl: {name}: touching {users:N0} distinct users", users);
        await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var user = new UserId(i + 1);
            var started = Stopwatch.GetTimestamp();
            await client.GetCountsAsync(user, ct);
            var read = Stopwatch.GetTimestamp();
            await client.FollowAsync(user, new UserId((i + 1) % users + 1), ct);
            reads[i] = Stopwatch.GetElapsedTime(started, read).TotalMilliseconds;
            follows[i] = Stopwatch.GetElapsedTime(read).TotalMilliseconds;
            progress.Report(Interlocked.Increment(ref done));
        });
        var elapsed = clock.Elapsed;
        progress.Complete();
        await sampling.CancelAsync();
        await sampler;
        var end = silo.Memory;
        samples.Add(new RssSample(elapsed.TotalSeconds, users, end.Rss));

        var activations = await SiloInspector.GetActivationsAsync(client.ClusterClient, cancellationToken);
        Array.Sort(reads);
        Array.Sort(follows);
        var activeUsers = Math.Max(activations.Following, activations.Fans);
        return new CrawlPhase(
            name, users, concurrency, boundMebibytes, users / elapsed.TotalSeconds,
            Percentiles.Of(reads, 0.50), Percentiles.Of(reads, 0.99), Percentiles.Of(follows, 0.50), Percentiles.Of(follows, 0.99),
            idle.Rss, end.Rss, end.PeakRss, activations.Following, activations.Fans,
            activeUsers > 0 ? (double)(end.Rss - idle.Rss) / activeUsers : double.NaN,
            samples);
    }

    private static async Task SampleAsync(BenchmarkSilo silo, Stopwatch clock, Func<long> done, List<RssSample> samples, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SampleEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                samples.Add(new RssSample(clock.Elapsed.TotalSeconds, done(), silo.Memory.Rss));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static void Print(IReadOnlyList<CrawlPhase> phases)
    {
        var table = new MarkdownTable("silo", "users/s", "read p50/p99 ms", "follow p50/p99 ms", "RSS idle", "RSS at end", "peak RSS", "active following / fan grains", "RSS per active user");
        foreach (var p in phases)
        {
            table.Add(
                p.BoundMebibytes is { } bound ? $"{p.Name} (heap {bound} MiB, shedding)" : $"{p.Name} (Orleans defaults)",
                MarkdownTable.Rate(p.UsersPerSecond),
                $"{MarkdownTable.Milliseconds(p.ReadP50)} / {MarkdownTable.Milliseconds(p.ReadP99)}",
                $"{MarkdownTable.Milliseconds(p.FollowP50)} / {MarkdownTable.Milliseconds(p.FollowP99)}",
                MarkdownTable.Mebibytes(p.IdleRss), MarkdownTable.Mebibytes(p.EndRss), MarkdownTable.Mebibytes(p.PeakRss),
                $"{MarkdownTable.Rate(p.FollowingActivations)} / {MarkdownTable.Rate(p.FanActivations)}",
                MarkdownTable.Number(p.RssBytesPerActiveUser, "N0") + " B");
        }

        table.Print();
        Console.WriteLine();

        // RSS over the run, at each tenth of the users.
        var timeline = new MarkdownTable(["users touched", .. phases.Select(p => $"{p.Name} RSS")]);
        for (var tenth = 1; tenth <= 10; tenth++)
        {
            var at = phases[0].Users * tenth / 10L;
            timeline.Add([MarkdownTable.Rate(at), .. phases.Select(p => p.Samples.FirstOrDefault(s => s.Done >= at) is { } s ? MarkdownTable.Mebibytes(s.Rss) : "-")]);
        }

        timeline.Print();
        Console.WriteLine();
        Console.WriteLine("Each user: its counts read (by the stateless counts worker, from the shard: no grain of the user activated), then one follow of the next user, through the client SDK; " +
            "1 silo process (4 shards, Stream), a fresh one and fresh databases per row. RSS: /proc/PID/status of the silo process, sampled every second; " +
            "RSS per active user: (RSS at end - RSS idle) / the active users' grains at the end. " +
            "The bound is the managed heap's (DOTNET_GCHeapHardLimit); Orleans sheds activations when the GC's committed memory passes 70 % of it (RelationGraph's default), down to 55 %, " +
            "and RSS adds the runtime's own memory (the idle column) to the heap.");
    }

    private sealed record RssSample(double Seconds, long Done, long Rss);

    private sealed record CrawlPhase(
        string Name, int Users, int Concurrency, int? BoundMebibytes, double UsersPerSecond,
        double ReadP50, double ReadP99, double FollowP50, double FollowP99,
        long IdleRss, long EndRss, long PeakRss, long FollowingActivations, long FanActivations, double RssBytesPerActiveUser,
        IReadOnlyList<RssSample> Samples);
}
