using System.Globalization;
using RelationGraph.Abstractions;
using RelationGraph.Client;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Memory per activation: one in-process silo (4 shards, empty), whose following grains and then fan grains of
/// <c>--users</c> users are activated by reading their counts. Before and after each step, with the silo settled: the
/// activations of each grain type (Orleans' management grain), the live managed heap after a full compacting collection,
/// the GC's committed memory less fragmentation (Orleans' own memory statistic, what a silo in another process can be
/// asked for, see the mixed scenario) and the process's RSS. Silo and client share the process, so heap and RSS include the
/// client's, but what an added activation costs is the silo's.
/// </summary>
internal static class MemoryBenchmark
{
    private const int WarmUpUsers = 100;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var users = arguments.Int("users", 100_000);
        var concurrency = arguments.Int("concurrency", 64);
        var output = arguments.Text("out");
        arguments.RejectUnknown();

        await using var server = await BenchmarkServer.StartAsync("memory", null, cancellationToken);
        await using var silo = await InProcessSilo.StartAsync(server.ConnectionString("relationgraph"), server.SiloDirectory, null, cancellationToken);
        await using var client = await silo.ConnectAsync(cancellationToken);

        // Users 1..100 warm up code and pools; the measured users come after them.
        var warmUp = Enumerable.Range(1, WarmUpUsers).Select(u => new UserId(u)).ToArray();
        var measured = Enumerable.Range(WarmUpUsers + 1, users).Select(u => new UserId(u)).ToArray();
        await ActivateAsync(warmUp, u => client.GetCountsAsync(u, cancellationToken), concurrency, null, cancellationToken);
        var idle = await MeasureAsync(client, cancellationToken);
        await ActivateAsync(measured, u => client.ClusterClient.GetGrain<IFollowingGrain>(u.Value).GetFollowingCountAsync(), concurrency,
            new ConsoleProgress($"memory: activating {users:N0} following grains", users), cancellationToken);
        var following = await MeasureAsync(client, cancellationToken);
        await ActivateAsync(measured, u => client.ClusterClient.GetGrain<IFanGrain>(u.Value).GetFanCountAsync(), concurrency,
            new ConsoleProgress($"memory: activating {users:N0} fan grains", users), cancellationToken);
        var fans = await MeasureAsync(client, cancellationToken);

        var result = new MemoryResult(
            users, silo.Redundancy.ToString(), silo.Endpoint.Transport, idle, following, fans,
            PerActivation.Between(idle, following, a => a.Following),
            PerActivation.Between(following, fans, a => a.Fans),
            PerActivation.Between(idle, fans, a => a.UserGrains));
        Print(result);
        await JsonLines.AppendAsync(output, "memory", [result], cancellationToken);
        return 0;
    }

    private static async Task ActivateAsync(UserId[] users, Func<UserId, Task> read, int concurrency, ConsoleProgress? progress, CancellationToken cancellationToken)
    {
        var done = 0L;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (user, _) =>
        {
            await read(user);
            progress?.Report(Interlocked.Increment(ref done));
        });
        progress?.Complete();
    }

    /// <summary>One point, once the last step's calls and garbage have settled.</summary>
    private static async Task<MemoryPoint> MeasureAsync(RelationGraphClient client, CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        var activations = await SiloInspector.GetActivationsAsync(client.ClusterClient, cancellationToken);
        var committed = await SiloInspector.GetGcCommittedAfterFullCollectionAsync(client.ClusterClient, cancellationToken);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var live = GC.GetTotalMemory(forceFullCollection: true);
        return new MemoryPoint(activations, live, committed, SiloMemory.Read("self"));
    }

    private static void Print(MemoryResult r)
    {
        var points = new MarkdownTable("in the silo's process", "idle", $"+ {r.Users:N0} following grains", $"+ {r.Users:N0} fan grains");
        Row("following grain activations", p => MarkdownTable.Rate(p.Activations.Following));
        Row("fan grain activations", p => MarkdownTable.Rate(p.Activations.Fans));
        Row("all activations", p => MarkdownTable.Rate(p.Activations.Total));
        Row("live heap after a full collection", p => MarkdownTable.Mebibytes(p.LiveHeap));
        Row("GC committed less fragmentation (Orleans)", p => MarkdownTable.Mebibytes(p.GcCommitted));
        Row("RSS", p => MarkdownTable.Mebibytes(p.Memory.Rss));
        Row("anonymous RSS", p => MarkdownTable.Mebibytes(p.Memory.AnonymousRss));
        points.Print();

        var costs = new MarkdownTable("per added activation", "activations", "live heap B", "GC committed B", "RSS B", "anonymous RSS B");
        Cost("following grain", r.FollowingGrain);
        Cost("fan grain", r.FanGrain);
        Cost("both, per activation", r.Both);
        costs.Print();
        Console.WriteLine();
        Console.WriteLine($"1 in-process silo (4 empty shards, Redundancy {r.Redundancy}, client SDK over {r.Transport}); each grain activated by reading its count. " +
            "live heap: GC.GetTotalMemory after a full compacting collection; GC committed less fragmentation: Orleans' EnvironmentStatistics.RawMemoryUsageBytes " +
            "right after a full collection, the figure the mixed scenario reads from its silo process; RSS and anonymous RSS: /proc/self/status.");

        void Row(string name, Func<MemoryPoint, string> value) => points.Add(name, value(r.Idle), value(r.AfterFollowing), value(r.AfterFans));

        void Cost(string name, PerActivation c) => costs.Add(
            name, MarkdownTable.Rate(c.Activations), MarkdownTable.Rate(c.LiveHeapBytes), MarkdownTable.Rate(c.GcCommittedBytes),
            MarkdownTable.Rate(c.RssBytes), MarkdownTable.Rate(c.AnonymousRssBytes));
    }

    private sealed record MemoryPoint(Activations Activations, long LiveHeap, long GcCommitted, SiloMemory Memory);

    /// <summary>What one added activation cost between two points, in bytes.</summary>
    private sealed record PerActivation(long Activations, double LiveHeapBytes, double GcCommittedBytes, double RssBytes, double AnonymousRssBytes)
    {
        public static PerActivation Between(MemoryPoint before, MemoryPoint after, Func<Activations, long> count)
        {
            var added = count(after.Activations) - count(before.Activations);
            return new PerActivation(added, Per(after.LiveHeap - before.LiveHeap), Per(after.GcCommitted - before.GcCommitted),
                Per(after.Memory.Rss - before.Memory.Rss), Per(after.Memory.AnonymousRss - before.Memory.AnonymousRss));

            double Per(long bytes) => added > 0 ? (double)bytes / added : double.NaN;
        }
    }

    private sealed record MemoryResult(
        int Users, string Redundancy, string Transport, MemoryPoint Idle, MemoryPoint AfterFollowing, MemoryPoint AfterFans,
        PerActivation FollowingGrain, PerActivation FanGrain, PerActivation Both);
}
