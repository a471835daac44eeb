using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;
using RelationGraph.Tests.Social;

namespace RelationGraph.Tests.Deletion;

/// <summary>
/// Deleting a user in each redundancy mode: every relation of theirs goes, both directions and both copies, tombstones
/// included; every other user's counts stay exact; the user's lists and any relation to or from them answer
/// <see cref="UserDeletedException"/> and write nothing.
/// </summary>
public sealed class UserDeletionTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task Deleting_a_user_removes_every_relation_both_copies_and_keeps_the_other_counts_exact(string mode)
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, mode, silos: 2, meta: postgres.NewDatabase($"deletion_{mode}"));
        var store = cluster.Store();
        var (u, a, b, c, d, e, f, g, h, i) = (User(100), User(101), User(102), User(103), User(104), User(105), User(106), User(107), User(108), User(109));
        await Following(cluster, u).FollowAsync(a);
        await Following(cluster, u).FollowAsync(b);
        await Following(cluster, c).FollowAsync(u);
        await Following(cluster, d).FollowAsync(u);
        await Social(cluster, u).RequestFriendAsync(e);
        await Social(cluster, e).RequestFriendAsync(u);
        await Social(cluster, f).RequestFriendAsync(u);
        await Social(cluster, u).BlockAsync(g);
        await Social(cluster, h).BlockAsync(u);
        await Following(cluster, u).FollowAsync(i);
        await Following(cluster, u).UnfollowAsync(i);
        await Following(cluster, a).FollowAsync(c);
        await WaitForCopiesAsync(cluster, mode);
        Assert.Equal(2, await Fans(cluster, a).GetFanCountAsync() + await Fans(cluster, b).GetFanCountAsync());
        Assert.Equal(1, await Social(cluster, e).GetFriendCountAsync());

        // Dead letters: one of u's own follows (kept under a's stream key, so only its payload names u), one unrelated.
        var serializer = cluster.Services().GetRequiredService<Serializer>();
        var deadLetters = cluster.Shards().All[0];
        foreach (var (sequence, change) in new[] { (1L, new FollowChanged(u, a, EdgeState.Active, DateTimeOffset.UtcNow)), (2L, new FollowChanged(a, c, EdgeState.Active, DateTimeOffset.UtcNow)) })
        {
            await deadLetters.ScalarAsync<int>(
                "WITH added AS (INSERT INTO stream_dead_letters (queue, sequence, namespace, stream_key, payload, created_at, attempts, error) VALUES (0, $1, 'follows', $2, $3, now(), 3, 'test') RETURNING 1) SELECT count(*)::integer FROM added",
                Token, sequence, change.Followee.Value, serializer.SerializeToArray<object>(change));
        }

        // The other users' grains cache pages and counts naming u (for 30 s, the default time to live).
        Assert.Contains(u, (await Fans(cluster, a).GetFansAsync(new PageRequest(10))).Items.Select(x => x.UserId));
        Assert.Contains(u, (await Following(cluster, c).GetFollowingAsync(new PageRequest(10))).Items.Select(x => x.UserId));
        Assert.Equal(1, await Following(cluster, c).GetFollowingCountAsync());

        var started = await Deletion(cluster, u).DeleteAsync();
        await Assert.ThrowsAsync<UserDeletedException>(() => Following(cluster, u).GetFollowingAsync(new PageRequest(10)));
        var again = await Deletion(cluster, u).DeleteAsync();
        var deleted = await cluster.WaitForDeletionAsync(u, Token);

        Assert.Equal(UserDeletionState.Deleting, started.State);
        Assert.Equal(started.StartedAt, again.StartedAt);
        Assert.True(deleted.Total >= 11, $"total {deleted.Total}");
        Assert.Equal(deleted.Total, deleted.Removed);
        Assert.NotNull(deleted.FinishedAt);
        Assert.Empty(await DeletionChecks.TracesOfAsync(cluster.Shards(), u, Token));
        Assert.Empty(await cluster.Shards().CountDriftsAsync(Token));
        Assert.Equal(0, await store.GetCountAsync(EdgeDirection.Fans, a, Token));
        Assert.Equal(0, await store.GetCountAsync(EdgeDirection.Following, c, Token));
        Assert.Equal(0, await store.GetCountAsync(EdgeDirection.Friends, e, Token));
        Assert.Equal(1, await store.GetCountAsync(EdgeDirection.Fans, c, Token));
        Assert.True(await Following(cluster, a).IsFollowingAsync(c));
        var sequencesLeft = await deadLetters.ScalarAsync<long[]>("SELECT array_agg(sequence ORDER BY sequence) FROM stream_dead_letters", Token);
        Assert.Equal([2L], sequencesLeft);

        // Once the deletion says so, no cached page or count anywhere names u.
        Assert.DoesNotContain(u, (await Fans(cluster, a).GetFansAsync(new PageRequest(10))).Items.Select(x => x.UserId));
        Assert.DoesNotContain(u, (await Following(cluster, c).GetFollowingAsync(new PageRequest(10))).Items.Select(x => x.UserId));
        Assert.Equal(0, await Fans(cluster, a).GetFanCountAsync());
        Assert.Equal(0, await Following(cluster, c).GetFollowingCountAsync());
    }

    [Fact]
    public async Task A_deleted_user_can_neither_be_read_nor_related_to_and_nothing_is_written()
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, "Stream", silos: 1, meta: postgres.NewDatabase("deletion_refusals"));
        var (u, x, y) = (User(200), User(201), User(202));
        await Following(cluster, u).FollowAsync(x);
        await Following(cluster, y).FollowAsync(u);
        await Following(cluster, u).GetFollowingAsync(new PageRequest(10));
        await Deletion(cluster, u).DeleteAsync();
        await cluster.WaitForDeletionAsync(u, Token);

        var refusals = new (string What, Func<Task> Call)[]
        {
            ("u's following", () => Following(cluster, u).GetFollowingAsync(new PageRequest(10))),
            ("u's fans", () => Fans(cluster, u).GetFansAsync(new PageRequest(10))),
            ("u's counts", () => Following(cluster, u).GetFollowingCountAsync()),
            ("u's friends", () => Social(cluster, u).GetFriendsAsync(new PageRequest(10))),
            ("u's mutual follows", () => Social(cluster, u).GetSetAsync(SetQuery.Mutual, null, new PageRequest(10))),
            ("u follows x", () => Following(cluster, u).FollowAsync(x)),
            ("x follows u", () => Following(cluster, x).FollowAsync(u)),
            ("y unfollows u", () => Following(cluster, y).UnfollowAsync(u)),
            ("x asks u", () => Social(cluster, x).RequestFriendAsync(u)),
            ("x blocks u", () => Social(cluster, x).BlockAsync(u)),
            ("u blocks x", () => Social(cluster, u).BlockAsync(x)),
        };
        foreach (var (what, call) in refusals)
        {
            var refused = await Assert.ThrowsAsync<UserDeletedException>(call);
            Assert.True(refused.UserId == u.Value, $"{what}: {refused.Message}");
        }

        Assert.Empty(await DeletionChecks.TracesOfAsync(cluster.Shards(), u, Token));
        Assert.Null(await Deletion(cluster, x).GetAsync());
    }

    [Fact]
    public async Task A_copy_that_lands_after_the_deletion_removes_its_source()
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, "Sync", silos: 1, meta: postgres.NewDatabase("deletion_late_copy"));
        var (u, x) = (User(300), User(301));
        var store = cluster.Store();

        // x's follow of u committed before the deletion, its copy still on its way: the walk, which starts from u's rows,
        // cannot see it.
        var at = DateTimeOffset.UtcNow;
        await store.ApplyAsync(EdgeDirection.Following, x, u, EdgeState.Active, at, cancellationToken: Token);
        await Deletion(cluster, u).DeleteAsync();
        await cluster.WaitForDeletionAsync(u, Token);
        Assert.Equal(EdgeState.Active, (await store.GetAsync(EdgeDirection.Following, x, u, Token))?.State);

        await Assert.ThrowsAsync<UserDeletedException>(() => Fans(cluster, u).ApplyAsync(new FollowChanged(x, u, EdgeState.Active, at)));

        Assert.Empty(await DeletionChecks.TracesOfAsync(cluster.Shards(), u, Token));
        Assert.Empty(await cluster.Shards().CountDriftsAsync(Token));
    }

    private static async Task WaitForCopiesAsync(TestCluster cluster, string mode)
    {
        var positions = mode == "Cdc" ? await SocialCluster.WalPositionsAsync(cluster.Shards(), Token) : null;
        await Eventually.WaitAsync(ct => SocialCluster.CaughtUpAsync(cluster.Shards(), mode, positions, ct), DeletionChecks.Deadline, () => "the reverse copies", Token);
    }

    private static UserId User(long id) => new(id);

    private static IFollowingGrain Following(TestCluster cluster, UserId user) => cluster.Client.GetGrain<IFollowingGrain>(user.Value);

    private static IFanGrain Fans(TestCluster cluster, UserId user) => cluster.Client.GetGrain<IFanGrain>(user.Value);

    private static ISocialGrain Social(TestCluster cluster, UserId user) => cluster.Client.GetGrain<ISocialGrain>(user.Value);

    private static IUserDeletionGrain Deletion(TestCluster cluster, UserId user) => cluster.Client.GetGrain<IUserDeletionGrain>(user.Value);

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
