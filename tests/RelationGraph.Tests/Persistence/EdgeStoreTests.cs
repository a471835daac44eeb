using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Persistence;

public sealed class EdgeStoreTests(StorageFixture fixture) : IClassFixture<StorageFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private EdgeStore Edges => fixture.Storage.Edges;

    [Fact]
    public async Task A_page_read_that_checks_for_deletion_throws_for_a_marked_owner_in_the_same_round_trip()
    {
        var (owner, fan, other) = (fixture.NewUser(), fixture.NewUser(), fixture.NewUser());
        await Edges.ApplyAsync(EdgeDirection.Fans, owner, fan, EdgeState.Active, DateTimeOffset.UtcNow, cancellationToken: Token);
        await Edges.ApplyAsync(EdgeDirection.Fans, other, fan, EdgeState.Active, DateTimeOffset.UtcNow, cancellationToken: Token);
        await EdgeStore.MarkDeletedAsync(Edges.Shards.For(owner), owner, Token);

        var refused = await Assert.ThrowsAsync<UserDeletedException>(() => Edges.GetPageAsync(EdgeDirection.Fans, owner, new PageRequest(), checkDeleted: true, Token));
        var plain = await Edges.GetPageAsync(EdgeDirection.Fans, owner, new PageRequest(), cancellationToken: Token);
        var anotherOwner = await Edges.GetPageAsync(EdgeDirection.Fans, other, new PageRequest(), checkDeleted: true, Token);

        Assert.Equal(owner.Value, refused.UserId);
        Assert.Equal([fan], plain.Items.Select(e => e.UserId));
        Assert.Equal([fan], anotherOwner.Items.Select(e => e.UserId));
    }

    [Fact]
    public async Task Follow_then_unfollow_flips_the_state_and_the_count()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        Assert.True(await Edges.ApplyAsync(EdgeDirection.Following, a, b, EdgeState.Active, T0, cancellationToken: Token));
        Assert.Equal(1, await Edges.GetCountAsync(EdgeDirection.Following, a, Token));
        Assert.Equal(new EdgeRecord(EdgeState.Active, T0), await Edges.GetAsync(EdgeDirection.Following, a, b, Token));

        Assert.True(await Edges.ApplyAsync(EdgeDirection.Following, a, b, EdgeState.Removed, T0.AddSeconds(1), cancellationToken: Token));
        Assert.Equal(0, await Edges.GetCountAsync(EdgeDirection.Following, a, Token));
        Assert.Equal(EdgeState.Removed, (await Edges.GetAsync(EdgeDirection.Following, a, b, Token))!.State);
    }

    [Fact]
    public async Task Applying_the_same_event_twice_changes_nothing()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        Assert.True(await Edges.ApplyAsync(EdgeDirection.Fans, a, b, EdgeState.Active, T0, cancellationToken: Token));
        Assert.False(await Edges.ApplyAsync(EdgeDirection.Fans, a, b, EdgeState.Active, T0, cancellationToken: Token));

        Assert.Equal(1, await Edges.GetCountAsync(EdgeDirection.Fans, a, Token));
    }

    [Fact]
    public async Task A_tombstone_stops_a_late_older_follow()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        Assert.False(await Edges.ApplyAsync(EdgeDirection.Fans, a, b, EdgeState.Removed, T0.AddSeconds(2), cancellationToken: Token));
        Assert.False(await Edges.ApplyAsync(EdgeDirection.Fans, a, b, EdgeState.Active, T0.AddSeconds(1), cancellationToken: Token));

        Assert.Equal(new EdgeRecord(EdgeState.Removed, T0.AddSeconds(2)), await Edges.GetAsync(EdgeDirection.Fans, a, b, Token));
        Assert.Equal(0, await Edges.GetCountAsync(EdgeDirection.Fans, a, Token));
        Assert.Empty((await Edges.GetPageAsync(EdgeDirection.Fans, a, new PageRequest(), cancellationToken: Token)).Items);
    }

    [Fact]
    public async Task An_unread_write_applies_when_it_flips_the_edge_with_a_newer_event()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        Assert.Equal(EdgeOutcome.Changed, await UnreadAsync(a, b, EdgeState.Active, T0));
        Assert.Equal(EdgeOutcome.Changed, await UnreadAsync(a, b, EdgeState.Removed, T0.AddSeconds(1)));

        Assert.Equal(new EdgeRecord(EdgeState.Removed, T0.AddSeconds(1)), await Edges.GetAsync(EdgeDirection.Following, a, b, Token));
        Assert.Equal(0, await Edges.GetCountAsync(EdgeDirection.Following, a, Token));
    }

    [Fact]
    public async Task An_unread_write_that_would_not_flip_the_edge_writes_nothing_and_asks_for_a_read()
    {
        var (a, b, stranger) = (fixture.NewUser(), fixture.NewUser(), fixture.NewUser());
        await Edges.ApplyAsync(EdgeDirection.Following, a, b, EdgeState.Active, T0.AddSeconds(5), cancellationToken: Token);

        // A repeat, an unfollow of no one, and a newer stored event (a block's retirement or a repair) each answer Unapplied.
        Assert.Equal(EdgeOutcome.Unapplied, await UnreadAsync(a, b, EdgeState.Active, T0.AddSeconds(9)));
        Assert.Equal(EdgeOutcome.Unapplied, await UnreadAsync(a, stranger, EdgeState.Removed, T0.AddSeconds(9)));
        Assert.Equal(EdgeOutcome.Unapplied, await UnreadAsync(a, b, EdgeState.Removed, T0.AddSeconds(5)));

        Assert.Equal(new EdgeRecord(EdgeState.Active, T0.AddSeconds(5)), await Edges.GetAsync(EdgeDirection.Following, a, b, Token));
        Assert.Null(await Edges.GetAsync(EdgeDirection.Following, a, stranger, Token));
        Assert.Equal(1, await Edges.GetCountAsync(EdgeDirection.Following, a, Token));
    }

    private Task<EdgeOutcome> UnreadAsync(UserId owner, UserId other, EdgeState state, DateTimeOffset eventAt) =>
        Edges.ApplyEventAsync(EdgeDirection.Following, owner, other, state, eventAt, unread: true, cancellationToken: Token);

    [Theory]
    [InlineData(EdgeState.Active, EdgeState.Removed)]
    [InlineData(EdgeState.Removed, EdgeState.Active)]
    public async Task On_equal_times_a_removal_beats_a_follow(EdgeState first, EdgeState second)
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        await Edges.ApplyAsync(EdgeDirection.Following, a, b, first, T0, cancellationToken: Token);
        await Edges.ApplyAsync(EdgeDirection.Following, a, b, second, T0, cancellationToken: Token);

        Assert.Equal(EdgeState.Removed, (await Edges.GetAsync(EdgeDirection.Following, a, b, Token))!.State);
        Assert.Equal(0, await Edges.GetCountAsync(EdgeDirection.Following, a, Token));
    }

    [Fact]
    public async Task Replaying_reordered_and_duplicated_events_gives_the_same_rows_and_counts()
    {
        var random = new Random(20261121);
        const int others = 30;
        var events = new List<(int Other, EdgeState State, DateTimeOffset At)>();
        for (var other = 0; other < others; other++)
        {
            var at = T0;
            for (var i = random.Next(1, 6); i > 0; i--)
            {
                at = at.AddMilliseconds(random.Next(1, 1000));
                events.Add((other, random.Next(2) == 0 ? EdgeState.Active : EdgeState.Removed, at));
            }
        }

        var expected = events.GroupBy(e => e.Other).ToDictionary(g => g.Key, g => g.MaxBy(e => e.At));
        for (var replay = 0; replay < 4; replay++)
        {
            var owner = fixture.NewUser();
            var otherIds = Enumerable.Range(0, others).Select(_ => fixture.NewUser()).ToArray();
            var order = replay == 0 ? events : events.Concat(events.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
            foreach (var (other, state, at) in order)
            {
                await Edges.ApplyAsync(EdgeDirection.Fans, owner, otherIds[other], state, at, cancellationToken: Token);
            }

            for (var other = 0; other < others; other++)
            {
                var stored = await Edges.GetAsync(EdgeDirection.Fans, owner, otherIds[other], Token);
                Assert.Equal(new EdgeRecord(expected[other].State, expected[other].At), stored);
            }

            var activeCount = expected.Values.Count(e => e.State == EdgeState.Active);
            Assert.Equal(activeCount, await Edges.GetCountAsync(EdgeDirection.Fans, owner, Token));
            var page = await Edges.GetPageAsync(EdgeDirection.Fans, owner, new PageRequest(PageRequest.MaxLimit), cancellationToken: Token);
            Assert.Equal(
                expected.Where(e => e.Value.State == EdgeState.Active).Select(e => otherIds[e.Key]).Order(),
                page.Items.Select(i => i.UserId).Order());
        }
    }

    [Fact]
    public async Task Pages_walk_newest_first_with_a_cursor()
    {
        var owner = fixture.NewUser();
        var followed = Enumerable.Range(0, 25).Select(_ => fixture.NewUser()).ToList();
        for (var i = 0; i < followed.Count; i++)
        {
            await Edges.ApplyAsync(EdgeDirection.Following, owner, followed[i], EdgeState.Active, T0.AddSeconds(i), cancellationToken: Token);
        }

        var pages = new List<EdgePage>();
        string? cursor = null;
        do
        {
            var page = await Edges.GetPageAsync(EdgeDirection.Following, owner, new PageRequest(10, cursor), cancellationToken: Token);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        Assert.Equal(Enumerable.Reverse(followed), pages.SelectMany(p => p.Items).Select(i => i.UserId));
        Assert.Equal(T0.AddSeconds(24), pages[0].Items[0].Since);
    }

    [Fact]
    public async Task Edges_with_equal_times_are_neither_skipped_nor_repeated_across_pages()
    {
        var owner = fixture.NewUser();
        var followed = Enumerable.Range(0, 7).Select(_ => fixture.NewUser()).ToList();
        foreach (var other in followed)
        {
            await Edges.ApplyAsync(EdgeDirection.Following, owner, other, EdgeState.Active, T0, cancellationToken: Token);
        }

        var seen = new List<UserId>();
        string? cursor = null;
        do
        {
            var page = await Edges.GetPageAsync(EdgeDirection.Following, owner, new PageRequest(3, cursor), cancellationToken: Token);
            seen.AddRange(page.Items.Select(i => i.UserId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(followed.OrderDescending(), seen);
    }

    [Theory]
    [InlineData("zzz")]
    [InlineData("not a cursor!")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_cursor_is_rejected(string cursor)
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Edges.GetPageAsync(EdgeDirection.Following, fixture.NewUser(), new PageRequest(10, cursor), cancellationToken: Token));
        Assert.Contains("cursor", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_limit_out_of_range_is_rejected(int limit) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Edges.GetPageAsync(EdgeDirection.Following, fixture.NewUser(), new PageRequest(limit), cancellationToken: Token));

    [Fact]
    public async Task Each_direction_is_stored_on_its_owner_shard_only()
    {
        var (follower, followee) = FindUsersOnDifferentShards();
        await Edges.ApplyAsync(EdgeDirection.Following, follower, followee, EdgeState.Active, T0, cancellationToken: Token);
        await Edges.ApplyAsync(EdgeDirection.Fans, followee, follower, EdgeState.Active, T0, cancellationToken: Token);

        foreach (var shard in fixture.Storage.Shards.All)
        {
            await using var connection = new NpgsqlConnection(fixture.Postgres.Server.GetConnectionString(shard.Database.Database));
            await connection.OpenAsync(Token);
            Assert.Equal(shard == fixture.Storage.Shards.For(follower) ? 1L : 0L, await CountAsync(connection, "following", follower));
            Assert.Equal(shard == fixture.Storage.Shards.For(followee) ? 1L : 0L, await CountAsync(connection, "fans", followee));
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private (UserId Follower, UserId Followee) FindUsersOnDifferentShards()
    {
        var follower = fixture.NewUser();
        var followee = fixture.NewUser();
        while (fixture.Storage.Shards.For(followee) == fixture.Storage.Shards.For(follower))
        {
            followee = fixture.NewUser();
        }

        return (follower, followee);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table, UserId owner)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE owner_id = $1", connection);
        command.Parameters.Add(new() { Value = owner.Value });
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }
}
