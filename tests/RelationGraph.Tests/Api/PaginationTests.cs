using RelationGraph.Abstractions;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

public sealed class PaginationTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task Walking_a_1000_fan_list_while_follows_arrive_sees_every_fan_once()
    {
        var celebrity = silo.NewUser();
        var fans = Enumerable.Range(0, 1_000).Select(_ => silo.NewUser()).ToList();
        await Parallel.ForEachAsync(fans, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token },
            async (fan, _) => await silo.Client.FollowAsync(fan, celebrity));

        // New fans arrive both from a concurrent writer and, deterministically, between every two page reads.
        using var stop = new CancellationTokenSource();
        var latecomers = new System.Collections.Concurrent.ConcurrentBag<UserId>();
        async Task FollowAsLatecomerAsync()
        {
            var fan = silo.NewUser();
            await silo.Client.FollowAsync(fan, celebrity);
            latecomers.Add(fan);
        }

        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await FollowAsLatecomerAsync();
            }
        }, Token);
        var pages = 0;
        var walked = await RelationGraphApiClient.WalkAsync(async cursor =>
        {
            pages++;
            await FollowAsLatecomerAsync();
            return await silo.Client.FansAsync(celebrity, 50, cursor);
        });
        await stop.CancelAsync();
        await writer;

        var ids = walked.Select(e => e.UserId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), fans.ToHashSet());
        Assert.All(ids, id => Assert.True(fans.Contains(id) || latecomers.Contains(id), $"{id} never followed"));
        Assert.Equal(walked.Select(e => e.Since).OrderDescending(), walked.Select(e => e.Since));
        Assert.True(latecomers.Count >= pages);
        Assert.True(pages >= 20);
        Assert.Equal(fans.Count + latecomers.Count, (await silo.Client.CountsAsync(celebrity)).Fans);
    }

    [Fact]
    public async Task Walking_a_following_list_in_pages_matches_one_big_page()
    {
        var user = silo.NewUser();
        foreach (var target in Enumerable.Range(0, 120).Select(_ => silo.NewUser()))
        {
            await silo.Client.FollowAsync(user, target);
        }

        var walked = await RelationGraphApiClient.WalkAsync(cursor => silo.Client.FollowingAsync(user, 7, cursor));
        var whole = await silo.Client.FollowingAsync(user, PageRequest.MaxLimit);

        Assert.Equal(whole.Items, walked);
        Assert.Equal(120, walked.Count);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
