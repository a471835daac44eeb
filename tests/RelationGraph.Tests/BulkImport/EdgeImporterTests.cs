using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.BulkImport;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.BulkImport;

public sealed class EdgeImporterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public async Task An_import_writes_both_copies_on_their_shards_with_exact_counts()
    {
        var edges = new EdgeListGenerator(users: 2_000, edges: 20_000, skew: 1.1, seed: 5).Generate().ToList();
        await File.WriteAllLinesAsync(_file, edges.Select(e => e.ToString()), Token);
        var pairs = edges.Select(e => (e.Follower, e.Followee)).Distinct().ToList();
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("import"));
        var reports = new List<ImportProgress>();

        var summary = await new EdgeImporter(storage.Shards, batchSize: 3_000).ImportAsync(_file, new SynchronousProgress(reports.Add), Token);

        Assert.Equal(edges.Count, summary.Lines);
        Assert.Equal(pairs.Count, summary.NewFollows);
        Assert.NotEmpty(reports);
        Assert.Equal(edges.Count, reports[^1].Edges);
        Assert.Equal(pairs.Count, await SumAsync(storage, "SELECT count(*) FROM following WHERE state = 1"));
        Assert.Equal(pairs.Count, await SumAsync(storage, "SELECT count(*) FROM fans WHERE state = 1"));
        Assert.Equal(2L * pairs.Count, await SumAsync(storage, "SELECT coalesce(sum(count), 0)::bigint FROM edge_counts"));
        var celebrity = pairs.GroupBy(p => p.Followee).MaxBy(g => g.Count())!;
        foreach (var user in new[] { celebrity.Key, 1000L, 1999L })
        {
            var id = new UserId(user);
            Assert.Equal(pairs.Count(p => p.Follower == user), await storage.Edges.GetCountAsync(EdgeDirection.Following, id, Token));
            Assert.Equal(pairs.Count(p => p.Followee == user), await storage.Edges.GetCountAsync(EdgeDirection.Fans, id, Token));
        }

        var fans = await storage.Edges.GetPageAsync(EdgeDirection.Fans, new UserId(celebrity.Key), new PageRequest(PageRequest.MaxLimit), Token);
        Assert.Equal(Math.Min(PageRequest.MaxLimit, celebrity.Count()), fans.Items.Count);
        Assert.All(fans.Items, f => Assert.Contains((f.UserId.Value, celebrity.Key), pairs));
    }

    [Fact]
    public async Task Importing_the_same_list_again_changes_nothing()
    {
        var edges = new EdgeListGenerator(users: 300, edges: 3_000, skew: 1.1, seed: 6).Generate().ToList();
        await File.WriteAllLinesAsync(_file, edges.Select(e => e.ToString()), Token);
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("reimport"));
        var importer = new EdgeImporter(storage.Shards, batchSize: 500);
        await importer.ImportAsync(_file, cancellationToken: Token);
        var before = await SumAsync(storage, "SELECT coalesce(sum(count * owner_id), 0)::bigint FROM edge_counts");

        var again = await importer.ImportAsync(_file, cancellationToken: Token);

        Assert.Equal(0, again.NewFollows);
        Assert.Equal(before, await SumAsync(storage, "SELECT coalesce(sum(count * owner_id), 0)::bigint FROM edge_counts"));
    }

    [Theory]
    [InlineData("1,2\n3,4\nfive,6\n", "line 3")]
    [InlineData("1,2\n3,3\n", "themselves")]
    [InlineData("1,2\n0,4\n", "line 2")]
    [InlineData("1,2,yesterday\n", "unix_ms")]
    public async Task A_bad_line_stops_the_import_before_anything_is_written(string content, string expected)
    {
        await File.WriteAllTextAsync(_file, content, Token);
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("badimport"));

        var error = await Assert.ThrowsAsync<FormatException>(() => new EdgeImporter(storage.Shards).ImportAsync(_file, cancellationToken: Token));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await SumAsync(storage, "SELECT count(*) FROM edges"));
    }

    [Fact]
    public async Task An_import_does_not_revive_a_newer_unfollow_but_a_newer_follow_does()
    {
        var (a, b) = (new UserId(10), new UserId(20));
        var unfollowedAt = DateTimeOffset.FromUnixTimeMilliseconds(2_000_000);
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("tombstone"));
        await storage.Edges.ApplyAsync(EdgeDirection.Following, a, b, EdgeState.Removed, unfollowedAt, cancellationToken: Token);
        var importer = new EdgeImporter(storage.Shards);

        await File.WriteAllTextAsync(_file, "10,20,1000000\n", Token);
        await importer.ImportAsync(_file, cancellationToken: Token);
        Assert.Equal(EdgeState.Removed, (await storage.Edges.GetAsync(EdgeDirection.Following, a, b, Token))!.State);
        Assert.Equal(0, await storage.Edges.GetCountAsync(EdgeDirection.Following, a, Token));

        await File.WriteAllTextAsync(_file, "10,20,3000000\n", Token);
        await importer.ImportAsync(_file, cancellationToken: Token);
        Assert.Equal(EdgeState.Active, (await storage.Edges.GetAsync(EdgeDirection.Following, a, b, Token))!.State);
        Assert.Equal(1, await storage.Edges.GetCountAsync(EdgeDirection.Following, a, Token));
    }

    [Fact]
    public void The_generator_is_reproducible_and_skewed()
    {
        var first = new EdgeListGenerator(users: 10_000, edges: 50_000, skew: 1.1, seed: 9).Generate().ToList();
        var second = new EdgeListGenerator(users: 10_000, edges: 50_000, skew: 1.1, seed: 9).Generate().ToList();
        var fans = first.GroupBy(e => e.Followee).Select(g => g.Count()).OrderDescending().ToList();

        Assert.Equal(first, second);
        Assert.All(first, e => Assert.NotEqual(e.Follower, e.Followee));
        Assert.True(fans[0] > 100 * fans[fans.Count / 2], $"top {fans[0]} vs median {fans[fans.Count / 2]}");
        Assert.Equal(1.1, EdgeListGenerator.ParseSkew("zipf:1.1"));
        Assert.Throws<ArgumentException>(() => EdgeListGenerator.ParseSkew("pareto:2"));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        File.Delete(_file);
        return ValueTask.CompletedTask;
    }

    private static async Task<long> SumAsync(StorageHost storage, string sql)
    {
        var total = 0L;
        foreach (var (_, dataSource) in storage.Shards.Databases)
        {
            await using var command = dataSource.CreateCommand(sql);
            total += (long)(await command.ExecuteScalarAsync(Token))!;
        }

        return total;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
