using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Social;

/// <summary>
/// Set queries against large lists: a celebrity with 100k fans, a user following 100k, a user with 10 follows. The large
/// lists are written straight into the shards (as a bulk import would), then every answer is compared with the same set
/// computed here, and each page's time is reported.
/// </summary>
public sealed class SetQueryTests(SetQueryTests.Fixture fixture) : IClassFixture<SetQueryTests.Fixture>
{
    private const long Crowd = 5_000_000;
    private const int Large = 100_000;

    private HttpClient Client => fixture.Silo.Client;

    [Fact]
    public async Task Following_who_follow_a_celebrity_walks_the_ten_follows_and_matches_the_computed_set()
    {
        var pages = await WalkTimedAsync($"/v1/users/{fixture.Small}/following-who-follow/{fixture.Celebrity}", 3);

        var expected = fixture.SmallFollows.Where(f => fixture.CelebrityFans.Contains(f.Value)).Order().ToList();
        Assert.Equal(expected, pages.SelectMany(p => p));
        Assert.NotEmpty(expected);
    }

    [Fact]
    public async Task Common_following_with_a_user_following_100k_matches_the_computed_set_from_either_side()
    {
        var fromSmall = (await WalkTimedAsync($"/v1/users/{fixture.Small}/common-following/{fixture.BigFollower}", 1000)).SelectMany(p => p).ToList();
        var fromBig = (await WalkTimedAsync($"/v1/users/{fixture.BigFollower}/common-following/{fixture.Small}", 1000)).SelectMany(p => p).ToList();

        var expected = fixture.SmallFollows.Where(f => fixture.BigFollowing.Contains(f.Value)).Order().ToList();
        Assert.Equal(expected, fromSmall);
        Assert.Equal(expected, fromBig);
        Assert.DoesNotContain(fixture.Blocked, fromBig);
    }

    [Fact]
    public async Task Mutual_of_a_celebrity_walks_its_follows_not_its_fans()
    {
        var pages = await WalkTimedAsync($"/v1/users/{fixture.Celebrity}/mutual", 1000);

        var expected = fixture.CelebrityFollows.Where(f => fixture.CelebrityFans.Contains(f.Value)).Order().ToList();
        Assert.Equal(expected, pages.SelectMany(p => p));
        Assert.NotEmpty(expected);
    }

    [Fact]
    public async Task Two_large_sides_page_with_bounded_work_and_the_cursor_resumes_without_gaps_or_repeats()
    {
        var pages = await WalkTimedAsync($"/v1/users/{fixture.BigFollower}/following-who-follow/{fixture.Celebrity}", 1000);

        var all = pages.SelectMany(p => p).ToList();
        var expected = fixture.BigFollowing.Where(fixture.CelebrityFans.Contains).Order().Select(id => new UserId(id)).ToList();
        Assert.Equal(expected, all);
        Assert.Contains(pages, p => p.Count == 0); // pages past the overlap walk on without matches, and say so with a cursor
        Assert.True(pages.Count >= fixture.CelebrityFans.Count / EdgeStore.SetWalkBudget, $"{pages.Count} pages walked {fixture.CelebrityFans.Count} fans");
    }

    /// <summary>Every page of a set query, each timed; the slowest is reported and must stay well under a second's order.</summary>
    private async Task<List<List<UserId>>> WalkTimedAsync(string path, int limit)
    {
        var pages = new List<List<UserId>>();
        var slowest = TimeSpan.Zero;
        string? cursor = null;
        do
        {
            var clock = Stopwatch.StartNew();
            var page = await Client.SetAsync(path, limit, cursor);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            pages.Add([.. page.Items.Select(i => i.UserId)]);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        TestContext.Current.TestOutputHelper?.WriteLine($"{path}: {pages.Count} pages of up to {limit}, slowest {slowest.TotalMilliseconds:F0} ms");
        Assert.True(slowest < TimeSpan.FromSeconds(10), $"a page of {path} took {slowest}");
        return pages;
    }

    /// <summary>A silo whose shards hold the large lists, written once for the class.</summary>
    public sealed class Fixture(PostgresFixture postgres) : IAsyncLifetime
    {
        public SiloFixture Silo { get; } = new(postgres);

        public UserId Small { get; } = new(100);

        public UserId Celebrity { get; } = new(101);

        public UserId BigFollower { get; } = new(102);

        public UserId Blocked { get; private set; }

        public List<UserId> SmallFollows { get; } = [];

        public List<UserId> CelebrityFollows { get; } = [];

        /// <summary>Every other id from the crowd's start: 100k fans.</summary>
        public HashSet<long> CelebrityFans { get; } = [.. Enumerable.Range(0, Large).Select(i => Crowd + (2L * i))];

        /// <summary>The first 100k ids of the crowd.</summary>
        public HashSet<long> BigFollowing { get; } = [.. Enumerable.Range(0, Large).Select(i => Crowd + i)];

        public async ValueTask InitializeAsync()
        {
            await Silo.InitializeAsync();
            var shards = Silo.Factory.Services.GetRequiredService<ShardSet>();
            await InsertAsync(shards, Celebrity, EdgeDirection.Fans, CelebrityFans);
            await InsertAsync(shards, BigFollower, EdgeDirection.Following, BigFollowing);

            // Ten follows: fans and non-fans of the celebrity, inside and outside the big follower's list.
            foreach (var offset in new long[] { 0, 1, 2, 3, 10, 11, 150_000, 150_001, 199_998, 250_000 })
            {
                var followed = new UserId(Crowd + offset);
                SmallFollows.Add(followed);
                await Silo.Client.FollowAsync(Small, followed);
            }

            foreach (var offset in new long[] { 4, 5, 6, 7, 8, 9, 12, 13, 300_000, 300_002 })
            {
                CelebrityFollows.Add(new UserId(Crowd + offset));
                await Silo.Client.FollowAsync(Celebrity, new UserId(Crowd + offset));
            }

            // A user who blocks the small user ends the follow, so drops out of the small user's answers.
            Blocked = new UserId(Crowd + 2);
            await Silo.Client.BlockAsync(Blocked, Small);
            SmallFollows.Remove(Blocked);
        }

        public ValueTask DisposeAsync() => Silo.DisposeAsync();

        private static async Task InsertAsync(ShardSet shards, UserId owner, EdgeDirection direction, IEnumerable<long> others)
        {
            var ids = others.ToArray();
            var shard = shards.For(owner);
            await shard.ExecuteAsync(
                "INSERT INTO edges (owner_id, direction, other_id, state, event_at) SELECT $1, $2, o, 1, now() FROM unnest($3::bigint[]) AS o",
                TestContext.Current.CancellationToken, owner.Value, (short)direction, ids);
            await shard.ExecuteAsync(
                "INSERT INTO edge_counts (owner_id, direction, count) VALUES ($1, $2, $3)",
                TestContext.Current.CancellationToken, owner.Value, (short)direction, (long)ids.Length);
        }
    }
}
