using System.Globalization;
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

        var summary = await new EdgeImporter(storage.Shards, sortRows: 4_000).ImportAsync(_file, new SynchronousProgress(reports.Add), Token);

        Assert.Equal(edges.Count, summary.Lines);
        Assert.Equal(pairs.Count, summary.NewFollows);
        Assert.Equal(storage.Shards.All.Count, summary.BulkLoadedShards);
        Assert.Equal([ImportStage.Reading, ImportStage.Writing], reports.Select(r => r.Stage).Distinct());
        Assert.Equal((ImportStage.Writing, edges.Count, edges.Count), (reports[^1].Stage, reports[^1].Edges, reports[^1].TotalEdges));
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

        var fans = await storage.Edges.GetPageAsync(EdgeDirection.Fans, new UserId(celebrity.Key), new PageRequest(PageRequest.MaxLimit), cancellationToken: Token);
        Assert.Equal(Math.Min(PageRequest.MaxLimit, celebrity.Count()), fans.Items.Count);
        Assert.All(fans.Items, f => Assert.Contains((f.UserId.Value, celebrity.Key), pairs));
    }

    [Fact]
    public async Task A_load_into_empty_shards_leaves_the_change_log_out_and_later_writes_in()
    {
        var edges = new EdgeListGenerator(users: 500, edges: 3_000, skew: 1.1, seed: 10).Generate().ToList();
        await File.WriteAllLinesAsync(_file, edges.Select(e => e.ToString()), Token);
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("importlog"));

        var summary = await new EdgeImporter(storage.Shards, sortRows: 1_000).ImportAsync(_file, cancellationToken: Token);

        Assert.Equal(storage.Shards.All.Count, summary.BulkLoadedShards);
        Assert.Equal(0, await SumAsync(storage, "SELECT count(*) FROM edge_changes"));
        Assert.Equal(2 * storage.Shards.All.Count, await SumAsync(storage, "SELECT count(*) FROM pg_trigger WHERE tgname IN ('following_log_inserts', 'fans_log_inserts') AND tgenabled = 'O'"));
        await storage.Edges.ApplyAsync(EdgeDirection.Following, new UserId(TombstoneOwners), new UserId(TombstoneOwners + 1), EdgeState.Active, DateTimeOffset.UtcNow, cancellationToken: Token);
        Assert.Equal(1, await SumAsync(storage, "SELECT count(*) FROM edge_changes"));
    }

    [Fact]
    public async Task Importing_the_same_list_again_changes_nothing()
    {
        var edges = new EdgeListGenerator(users: 300, edges: 3_000, skew: 1.1, seed: 6).Generate().ToList();
        await File.WriteAllLinesAsync(_file, edges.Select(e => e.ToString()), Token);
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("reimport"));
        var importer = new EdgeImporter(storage.Shards, batchSize: 500, sortRows: 1_000);
        await importer.ImportAsync(_file, cancellationToken: Token);
        var rows = await SnapshotAsync(storage, "SELECT owner_id, direction, other_id, state, event_at, updated_at FROM edges");
        var counts = await SnapshotAsync(storage, "SELECT owner_id, direction, count FROM edge_counts");

        var again = await importer.ImportAsync(_file, cancellationToken: Token);

        Assert.Equal(0, again.NewFollows);
        Assert.Equal(0, again.BulkLoadedShards);
        Assert.Equal(rows, await SnapshotAsync(storage, "SELECT owner_id, direction, other_id, state, event_at, updated_at FROM edges"));
        Assert.Equal(counts, await SnapshotAsync(storage, "SELECT owner_id, direction, count FROM edge_counts"));
    }

    [Fact]
    public async Task Empty_shards_load_by_copy_and_end_with_the_same_rows_and_counts_as_shards_that_merge()
    {
        var generated = new EdgeListGenerator(users: 1_500, edges: 15_000, skew: 1.1, seed: 8).Generate().ToList();
        // Repeats out of time order: the newest line of a pair wins wherever it stands.
        var edges = generated.Concat(generated.Take(300).Select((e, i) => e with { UnixMilliseconds = e.UnixMilliseconds + (i % 2 == 0 ? -1_000_000 : 1_000_000) })).ToList();
        await File.WriteAllLinesAsync(_file, edges.Select(e => e.ToString()), Token);
        var newest = edges.GroupBy(e => (e.Follower, e.Followee)).Select(g => (g.Key.Follower, g.Key.Followee, At: g.Max(e => e.UnixMilliseconds!.Value))).ToList();
        var expectedRows = newest.Select(e => Line(e.Follower, 1, e.Followee, 1, e.At)).Concat(newest.Select(e => Line(e.Followee, 2, e.Follower, 1, e.At))).Order(StringComparer.Ordinal);
        var expectedCounts = newest.GroupBy(e => e.Follower).Select(g => Line(g.Key, 1, g.Count()))
            .Concat(newest.GroupBy(e => e.Followee).Select(g => Line(g.Key, 2, g.Count()))).Order(StringComparer.Ordinal);
        await using var fresh = await StorageHost.StartAsync(postgres.NewDatabase("bulkload"));
        await using var mixed = await StorageHost.StartAsync(postgres.NewDatabase("bulkmerge"));
        var merging = await PlantTombstonesAsync(mixed, shard => shard % 2 == 0);

        var bulk = await new EdgeImporter(fresh.Shards, sortRows: 2_000).ImportAsync(_file, cancellationToken: Token);
        var merged = await new EdgeImporter(mixed.Shards, batchSize: 700, sortRows: 2_000).ImportAsync(_file, cancellationToken: Token);

        Assert.Equal((newest.Count, fresh.Shards.All.Count), (bulk.NewFollows, bulk.BulkLoadedShards));
        Assert.Equal((newest.Count, mixed.Shards.All.Count - merging), (merged.NewFollows, merged.BulkLoadedShards));
        foreach (var storage in new[] { fresh, mixed })
        {
            Assert.Equal(expectedRows, await SnapshotAsync(storage, $"SELECT owner_id, direction, other_id, state, (extract(epoch FROM event_at) * 1000)::bigint FROM edges WHERE owner_id < {TombstoneOwners}"));
            Assert.Equal(expectedCounts, await SnapshotAsync(storage, $"SELECT owner_id, direction, count FROM edge_counts WHERE owner_id < {TombstoneOwners}"));
        }

        const string Indexes = "SELECT pg_get_indexdef(indexrelid), indisvalid FROM pg_index WHERE indrelid IN ('edges'::regclass, 'following'::regclass, 'fans'::regclass)";
        Assert.Equal(await SnapshotAsync(mixed, Indexes), await SnapshotAsync(fresh, Indexes));
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
    public async Task An_import_leaves_out_the_relations_of_deleted_users_in_both_copies()
    {
        var (a, b, deleted) = (new UserId(10), new UserId(20), new UserId(30));
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("import_deleted"));
        await Task.WhenAll(storage.Shards.All.Select(shard => EdgeStore.MarkDeletedAsync(shard, deleted, Token)));

        await File.WriteAllTextAsync(_file, "10,20,1000000\n30,10,1000000\n20,30,1000000\n", Token);
        var summary = await new EdgeImporter(storage.Shards).ImportAsync(_file, cancellationToken: Token);

        Assert.Equal(0, summary.BulkLoadedShards);
        Assert.Equal(1, summary.NewFollows);
        Assert.Equal(EdgeState.Active, (await storage.Edges.GetAsync(EdgeDirection.Fans, b, a, Token))!.State);
        Assert.Equal(0, await SumAsync(storage, "SELECT count(*) FROM edges WHERE owner_id = 30 OR other_id = 30"));
        Assert.Equal(2, await SumAsync(storage, "SELECT coalesce(sum(count), 0)::bigint FROM edge_counts"));
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

    /// <summary>Puts an old unfollow of users from <see cref="TombstoneOwners"/> on each chosen shard, so those shards are not empty; returns how many.</summary>
    private static async Task<int> PlantTombstonesAsync(StorageHost storage, Func<int, bool> choose)
    {
        var planted = 0;
        for (var shard = 0; shard < storage.Shards.All.Count; shard++)
        {
            if (choose(shard))
            {
                var owner = Enumerable.Range(0, 10_000).Select(i => TombstoneOwners + i).First(id => storage.Shards.Map.ShardOf(id) == shard);
                await storage.Edges.ApplyAsync(EdgeDirection.Following, new UserId(owner), new UserId(owner + 1), EdgeState.Removed, DateTimeOffset.UnixEpoch, cancellationToken: Token);
                planted++;
            }
        }

        return planted;
    }

    /// <summary>Every shard's rows of <paramref name="sql"/>, one space-separated line per row, in order.</summary>
    private static async Task<List<string>> SnapshotAsync(StorageHost storage, string sql)
    {
        var rows = new List<string>();
        foreach (var dataSource in storage.Shards.All.Select(s => s.DataSource))
        {
            await using var command = dataSource.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync(Token);
            while (await reader.ReadAsync(Token))
            {
                rows.Add(Line([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)]));
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Line(params object[] values) =>
        string.Join(' ', values.Select(v => v is DateTime time ? time.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(v, CultureInfo.InvariantCulture)));

    private static async Task<long> SumAsync(StorageHost storage, string sql)
    {
        var total = 0L;
        foreach (var dataSource in storage.Shards.All.Select(s => s.DataSource))
        {
            await using var command = dataSource.CreateCommand(sql);
            total += (long)(await command.ExecuteScalarAsync(Token))!;
        }

        return total;
    }

    private const long TombstoneOwners = 1_000_000_000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
