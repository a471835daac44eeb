using System.Diagnostics;
using System.Globalization;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Persistence;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Scenario 2, reads: a Zipf graph bulk-loaded into the 4 shards, then first pages (50) of following and fans lists
/// through the client SDK, against the same page query run directly with Npgsql on the owner's shard. Users are
/// random ones or the 10 with the most fans; grains cold (the call activates them) or warm (read once before). Each
/// read is paired with its baseline read, the side going first alternating, so both see the same machine.
/// </summary>
internal static class ReadBenchmark
{
    private const int PageSize = 50;
    private const int HotUsers = 10;
    private const int WarmUpUsers = 100;

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var graph = new GraphSpec(arguments.Int("users", 100_000, minimum: 1000), arguments.Long("edges", 1_000_000), arguments.Skew("skew", 1.1));
        var samples = arguments.Int("samples", 5000);
        var output = arguments.Text("out");
        arguments.RejectUnknown();

        await using var server = await BenchmarkServer.StartAsync("read", null, cancellationToken);
        var meta = server.ConnectionString(graph.Database);
        await using var storage = await ServiceShards.OpenAsync(meta, cancellationToken);
        await GraphLoader.EnsureLoadedAsync(storage.Shards, graph, server.DataDirectory, cancellationToken);
        var hottest = await storage.GetMostFollowedAsync(HotUsers, cancellationToken);
        Console.Error.WriteLine($"read: most fans: {string.Join(", ", hottest.Select(h => $"{h.User} ({h.Fans:N0})"))}");
        var hot = hottest.Select(h => h.User).ToArray();
        await using var silo = await InProcessSilo.StartAsync(meta, server.SiloDirectory, null, cancellationToken);
        await using var client = await silo.ConnectAsync(cancellationToken);
        var reader = new PairedReader(client, storage, cancellationToken);

        // Disjoint pools of users nobody has read: a few to warm both sides up, a cold pool per side (so each side's
        // first read of a user is really its first), and a warm pool.
        var random = new Random(7);
        var others = Enumerable.Range(1, graph.Users).Select(u => new UserId(u)).Except(hot).ToArray();
        random.Shuffle(others);
        var pool = Math.Min(samples, (others.Length - WarmUpUsers) / 3);
        var warmUp = others[..WarmUpUsers];
        var coldService = others.AsSpan(WarmUpUsers, pool).ToArray();
        var coldBaseline = others.AsSpan(WarmUpUsers + pool, pool).ToArray();
        var warm = others.AsSpan(WarmUpUsers + (2 * pool), pool).ToArray();
        if (pool < samples)
        {
            Console.Error.WriteLine($"read: only {graph.Users:N0} users, so {pool:N0} cold reads per case instead of {samples:N0}");
        }

        Console.Error.WriteLine($"read: warming up connections and code on {WarmUpUsers} users");
        await reader.TouchAsync(warmUp);

        var cases = new List<ReadCase>();
        foreach (var direction in (EdgeDirection[])[EdgeDirection.Following, EdgeDirection.Fans])
        {
            cases.Add(await reader.MeasureAsync("random", "cold", direction, pool, i => coldService[i], i => coldBaseline[i]));
            cases.Add(await reader.MeasureAsync("10 hottest", "cold", direction, hot.Length, i => hot[i], i => hot[i]));
        }

        Console.Error.WriteLine($"read: activating {warm.Length + hot.Length:N0} users' grains for the warm cases");
        await reader.TouchAsync([.. warm, .. hot]);
        var picks = Enumerable.Range(0, samples).Select(_ => random.Next(warm.Length)).ToArray();
        var hotPicks = Enumerable.Range(0, samples).Select(_ => random.Next(hot.Length)).ToArray();
        foreach (var direction in (EdgeDirection[])[EdgeDirection.Following, EdgeDirection.Fans])
        {
            cases.Add(await reader.MeasureAsync("random", "warm", direction, samples, i => warm[picks[i]], i => warm[picks[i]]));
            cases.Add(await reader.MeasureAsync("10 hottest", "warm", direction, samples, i => hot[hotPicks[i]], i => hot[hotPicks[i]]));
        }

        var table = new MarkdownTable(3, "users", "grain", "list", "reads", "service p50 ms", "p99 ms", "avg ms", "baseline p50 ms", "p99 ms", "avg ms", "p50 ratio", "entries per page");
        foreach (var c in cases.OrderBy(c => c.Grain == "cold").ThenBy(c => c.Users != "random").ThenBy(c => c.List != "following"))
        {
            table.Add(
                c.Users, c.Grain, c.List, c.Reads.ToString(CultureInfo.InvariantCulture),
                MarkdownTable.Milliseconds(c.Service.P50), MarkdownTable.Milliseconds(c.Service.P99), MarkdownTable.Milliseconds(c.Service.Average),
                MarkdownTable.Milliseconds(c.Baseline.P50), MarkdownTable.Milliseconds(c.Baseline.P99), MarkdownTable.Milliseconds(c.Baseline.Average),
                MarkdownTable.Ratio(c.Service.P50 / c.Baseline.P50),
                c.ServiceEntries == c.BaselineEntries
                    ? MarkdownTable.Number(c.ServiceEntries, "0.0")
                    : $"{MarkdownTable.Number(c.ServiceEntries, "0.0")} / {MarkdownTable.Number(c.BaselineEntries, "0.0")}");
        }

        table.Print();
        Console.WriteLine();
        Console.WriteLine($"graph: {graph}, bulk-imported into 4 shards. service: GetFollowingAsync / GetFansAsync(PageRequest(50)) through the client SDK ({silo.Endpoint.Transport}), 1 in-process silo, one read at a time.");
        Console.WriteLine("baseline: the service's first-page SELECT (LIMIT 51, for the next cursor) with Npgsql on the shard the shard map gives, one read at a time.");
        Console.WriteLine("cold: the read activates the grain; the cold random pools of the two sides are different users, so each side's read is its first of that user.");
        await JsonLines.AppendAsync(output, "read", cases.Select(c => (object)new { Graph = graph.ToString(), c.Users, c.Grain, c.List, c.Reads, c.Service, c.Baseline, c.ServiceEntries, c.BaselineEntries }), cancellationToken);
        return 0;
    }

    /// <summary>Reads a page through the service and through the baseline, timing each.</summary>
    private sealed class PairedReader(RelationGraphClient client, ServiceShards storage, CancellationToken cancellationToken)
    {
        /// <summary>Reads every user's lists once on both sides, unmeasured: activates grains, warms pools and caches.</summary>
        public async Task TouchAsync(IReadOnlyList<UserId> users)
        {
            foreach (var user in users)
            {
                foreach (var direction in (EdgeDirection[])[EdgeDirection.Following, EdgeDirection.Fans])
                {
                    await ServiceAsync(direction, user);
                    await BaselineAsync(direction, user);
                }
            }
        }

        public async Task<ReadCase> MeasureAsync(string users, string grain, EdgeDirection direction, int reads, Func<int, UserId> serviceUser, Func<int, UserId> baselineUser)
        {
            var list = direction == EdgeDirection.Following ? "following" : "fans";
            Console.Error.WriteLine($"read: {users} users, {grain}, {list}: {reads:N0} reads per side");
            var service = new LatencyStats();
            var baseline = new LatencyStats();
            long serviceEntries = 0, baselineEntries = 0;
            for (var i = 0; i < reads; i++)
            {
                // Alternating which side reads first shares any advantage of reading second (say cached pages) between them.
                if (i % 2 == 0)
                {
                    serviceEntries += await TimeAsync(service, () => ServiceAsync(direction, serviceUser(i)));
                    baselineEntries += await TimeAsync(baseline, () => BaselineAsync(direction, baselineUser(i)));
                }
                else
                {
                    baselineEntries += await TimeAsync(baseline, () => BaselineAsync(direction, baselineUser(i)));
                    serviceEntries += await TimeAsync(service, () => ServiceAsync(direction, serviceUser(i)));
                }
            }

            return new ReadCase(users, grain, list, reads, service.Summarize(0), baseline.Summarize(0), (double)serviceEntries / reads, (double)baselineEntries / reads);
        }

        private async Task<int> ServiceAsync(EdgeDirection direction, UserId user)
        {
            var page = direction == EdgeDirection.Following
                ? await client.GetFollowingAsync(user, new PageRequest(PageSize), cancellationToken)
                : await client.GetFansAsync(user, new PageRequest(PageSize), cancellationToken);
            return page.Items.Count;
        }

        private Task<int> BaselineAsync(EdgeDirection direction, UserId user) => storage.ReadPageAsync(direction, user, PageSize, cancellationToken);

        private static async Task<int> TimeAsync(LatencyStats stats, Func<Task<int>> read)
        {
            var start = Stopwatch.GetTimestamp();
            var entries = await read();
            stats.Record(0, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return entries;
        }
    }

    private sealed record ReadCase(string Users, string Grain, string List, int Reads, LatencySummary Service, LatencySummary Baseline, double ServiceEntries, double BaselineEntries);
}
