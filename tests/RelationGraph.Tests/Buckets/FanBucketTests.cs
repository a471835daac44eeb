using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Testing;
using RelationGraph.Tests.Deletion;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;
using RelationGraph.Tests.Social;

namespace RelationGraph.Tests.Buckets;

/// <summary>
/// A celebrity's fan copies and reads spread over bucket grains once their fan count passes the threshold: the move
/// happens under load without losing or doubling a fan, the count stays exact, and pages walked while follows arrive,
/// from the fan grain and the buckets, stay whole.
/// </summary>
public sealed class FanBucketTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task A_user_crossing_the_threshold_under_concurrent_follows_loses_no_fan_and_keeps_the_count_exact(string mode)
    {
        await using var cluster = await StartAsync(mode, threshold: 200, checkEvery: 20, $"buckets_cross_{mode}");
        var star = new UserId(1_000);
        var followers = RedundancyCluster.Users(10_001, 800);

        // 16 callers at once; every fifth follower unfollows again, in order on its own caller. Half the callers pause
        // halfway until every silo knows of the move (their first halves alone pass the threshold), so follows are still
        // made after it, whether or not the others have finished by then; the move itself happens while copies are in flight.
        var moved = Task.WhenAll(cluster.Silos.Select(silo =>
        {
            var map = cluster.Services(silo).GetRequiredService<FanBucketMap>();
            return Eventually.WaitAsync(_ => Task.FromResult(map.TryGetBuckets(star, out var buckets) && buckets == 4), Deadline, () => $"{silo.SiloAddress} knows of the move", Token);
        }));
        await Task.WhenAll(followers.GroupBy(f => f.Value % 16).Select(lane => Task.Run(async () =>
        {
            var followersOfLane = lane.ToList();
            for (var i = 0; i < followersOfLane.Count; i++)
            {
                if (lane.Key % 2 == 0 && i == followersOfLane.Count / 2)
                {
                    await moved;
                }

                await Following(cluster, followersOfLane[i]).FollowAsync(star);
                if (followersOfLane[i].Value % 5 == 0)
                {
                    await Following(cluster, followersOfLane[i]).UnfollowAsync(star);
                }
            }
        }, Token)));
        await WaitForCopiesAsync(cluster, mode);

        var expected = followers.Where(f => f.Value % 5 != 0).ToHashSet();
        var walked = await WalkFansAsync(cluster, star, pageSize: 100);
        Assert.Equal(walked.Count, walked.Distinct().Count());
        Assert.True(expected.SetEquals(walked), $"{expected.Except(walked).Count()} fans missing, {walked.Except(expected).Count()} extra");
        Assert.Equal(expected.Count, await cluster.Store().GetCountAsync(EdgeDirection.Fans, star, Token));
        Assert.Empty(await cluster.Shards().CountDriftsAsync(Token));

        // The move happened, and bucket grains wrote copies.
        Assert.Equal(4, await cluster.Shards().For(star).ScalarAsync<int>("SELECT buckets FROM fan_buckets WHERE user_id = $1", Token, star.Value));
        Assert.True(await BucketActivationsAsync(cluster.Client) >= 2, "no bucket grains were activated");
    }

    [Fact]
    public async Task Paging_across_buckets_while_follows_continue_gives_no_duplicate_and_no_gap()
    {
        await using var cluster = await StartAsync("Stream", threshold: 50, checkEvery: 10, "buckets_paging");
        var star = new UserId(2_000);
        var before = RedundancyCluster.Users(20_001, 300);
        foreach (var lane in before.Chunk(50))
        {
            await Task.WhenAll(lane.Select(f => Following(cluster, f).FollowAsync(star)));
        }

        await WaitForCopiesAsync(cluster, "Stream");
        Assert.Equal(1, await cluster.Shards().For(star).ScalarAsync<long>("SELECT count(*) FROM fan_buckets WHERE user_id = $1", Token, star.Value));

        // Follows keep arriving, through the buckets, while a reader walks the fans in pages of 25.
        var during = RedundancyCluster.Users(30_001, 600);
        var writers = Task.WhenAll(during.Chunk(150).Select(lane => Task.Run(async () =>
        {
            foreach (var follower in lane)
            {
                await Following(cluster, follower).FollowAsync(star);
            }
        }, Token)));
        var walked = await WalkFansAsync(cluster, star, pageSize: 25);
        await writers;

        Assert.Equal(walked.Count, walked.Distinct().Count());
        Assert.Empty(before.Except(walked));
        await WaitForCopiesAsync(cluster, "Stream");
        Assert.Equal(before.Count + during.Count, await cluster.Store().GetCountAsync(EdgeDirection.Fans, star, Token));
        Assert.Empty(await cluster.Shards().CountDriftsAsync(Token));
        Assert.True(await BucketActivationsAsync(cluster.Client) >= 2, "no bucket grains were activated");
    }

    [Fact]
    public async Task A_bucketed_users_pages_are_read_from_its_buckets_its_count_stays_exact_and_deletion_reaches_them()
    {
        await using var cluster = await StartAsync("Sync", threshold: 5, checkEvery: 1, "buckets_reads");
        var star = new UserId(3_000);
        foreach (var follower in RedundancyCluster.Users(40_001, 5))
        {
            await Following(cluster, follower).FollowAsync(star);
        }

        // The fifth copy moved the user; the fan grain wrote every copy, so no bucket is active yet.
        Assert.Equal(0, await BucketActivationsAsync(cluster.Client));
        var router = new FanPageRouter(cluster.Client);
        var first = await router.GetFansAsync(star, new PageRequest(50));
        Assert.Equal(4, first.Buckets);
        Assert.Equal(5, await Fans(cluster, star).GetFanCountAsync());

        // From then on the reads go to the buckets, at random, and each answers the whole list as the fan grain does.
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(first.Items, (await router.GetFansAsync(star, new PageRequest(50))).Items);
        }

        Assert.True(await BucketActivationsAsync(cluster.Client) >= 2, "the reads did not spread over the buckets");
        Assert.Equal(first.Items.Select(e => e.UserId), await WalkFansAsync(cluster, star, pageSize: 2));

        // A new fan, written by a bucket: the fan grain forgets its page and count at once, every bucket shows it within its cache time.
        var late = new UserId(40_100);
        await Following(cluster, late).FollowAsync(star);
        Assert.Equal(late, (await Fans(cluster, star).GetFansAsync(new PageRequest(50))).Items[0].UserId);
        Assert.Equal(6, await Fans(cluster, star).GetFanCountAsync());
        await Eventually.WaitAsync(
            async _ => (await Task.WhenAll(Enumerable.Range(0, 4).Select(b => Bucket(cluster, star, b).GetFansAsync(new PageRequest(50)))))
                .All(p => p.Items.Count == 6 && p.Items[0].UserId == late),
            Deadline, () => "every bucket shows the new fan", Token);

        // Active buckets hear of the deletion: the user's pages answer as deleted, whichever bucket serves them.
        await cluster.Client.GetGrain<Abstractions.Deletion.IUserDeletionGrain>(star.Value).DeleteAsync();
        await cluster.WaitForDeletionAsync(star, Token);
        for (var b = 0; b < 4; b++)
        {
            await Assert.ThrowsAsync<Abstractions.Deletion.UserDeletedException>(() => Bucket(cluster, star, b).GetFansAsync(new PageRequest(50)));
        }

        await Assert.ThrowsAsync<Abstractions.Deletion.UserDeletedException>(() => router.GetFansAsync(star, new PageRequest(50)));
        Assert.Equal(0, await cluster.Shards().For(star).ScalarAsync<long>("SELECT count(*) FROM fan_buckets WHERE user_id = $1", Token, star.Value));
        Assert.Empty(await cluster.Shards().CountDriftsAsync(Token));
    }

    [Fact]
    public async Task Copies_of_one_follower_written_by_the_fan_grain_and_by_a_bucket_keep_the_newest()
    {
        // A silo that has not heard of the move sends a copy to the fan grain while another sends the next one to the
        // bucket: whichever grain writes them, in whatever order, the newest event wins and the count follows.
        await using var cluster = await StartAsync("Stream", threshold: 1_000, checkEvery: 1_000, "buckets_stale_routing");
        var (star, fan) = (new UserId(4_000), new UserId(40_001));
        var bucket = Bucket(cluster, star, 2);
        var at = DateTimeOffset.UtcNow;
        FollowChanged Change(EdgeState state, int seconds) => new(fan, star, state, at.AddSeconds(seconds));

        await bucket.ApplyAsync(Change(EdgeState.Active, 0));
        await Fans(cluster, star).ApplyAsync(Change(EdgeState.Removed, 2));
        await bucket.ApplyAsync(Change(EdgeState.Active, 1));
        Assert.False(await cluster.Store().IsFanAsync(star, fan, Token));
        Assert.Equal(0, await Fans(cluster, star).GetFanCountAsync());

        await bucket.ApplyAsync(Change(EdgeState.Active, 3));
        await Fans(cluster, star).ApplyAsync(Change(EdgeState.Active, 3));
        Assert.Equal([fan], (await Fans(cluster, star).GetFansAsync(new PageRequest(10))).Items.Select(e => e.UserId));
        Assert.Equal(1, await Fans(cluster, star).GetFanCountAsync());
        Assert.Empty(await cluster.Shards().CountDriftsAsync(Token));
    }

    private Task<TestCluster> StartAsync(string mode, int threshold, int checkEvery, string database) =>
        RedundancyCluster.StartAsync(postgres, mode, new Dictionary<string, string?>
        {
            ["RelationGraph:FanBuckets:Threshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RelationGraph:FanBuckets:CheckEvery"] = checkEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RelationGraph:FanBuckets:Buckets"] = "4",
            ["RelationGraph:FanBuckets:RefreshInterval"] = "00:00:00.200",
        }, silos: 2, meta: postgres.NewDatabase(database));

    // As readers do: the first page from the fan grain, the next ones, once it said so, from the buckets at random.
    private static async Task<List<UserId>> WalkFansAsync(TestCluster cluster, UserId star, int pageSize)
    {
        var router = new FanPageRouter(cluster.Client);
        var walked = new List<UserId>();
        string? cursor = null;
        do
        {
            var page = await router.GetFansAsync(star, new PageRequest(pageSize, cursor));
            walked.AddRange(page.Items.Select(e => e.UserId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return walked;
    }

    /// <summary>The fan bucket activations of the cluster <paramref name="grains"/> calls into.</summary>
    internal static async Task<int> BucketActivationsAsync(IGrainFactory grains) =>
        (await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(RelationGraph.Grains.FanBucketGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    private static async Task WaitForCopiesAsync(TestCluster cluster, string mode)
    {
        var positions = mode == "Cdc" ? await SocialCluster.WalPositionsAsync(cluster.Shards(), Token) : null;
        await Eventually.WaitAsync(ct => SocialCluster.CaughtUpAsync(cluster.Shards(), mode, positions, ct), Deadline, () => "the fan copies", Token);
    }

    private static IFollowingGrain Following(TestCluster cluster, UserId user) => cluster.Client.GetGrain<IFollowingGrain>(user.Value);

    private static IFanGrain Fans(TestCluster cluster, UserId user) => cluster.Client.GetGrain<IFanGrain>(user.Value);

    private static IFanBucketGrain Bucket(TestCluster cluster, UserId user, int bucket) => cluster.Client.GetGrain<IFanBucketGrain>(user.Value, FanBucketKey.Of(bucket));

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
