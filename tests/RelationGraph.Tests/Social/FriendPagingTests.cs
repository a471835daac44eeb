using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Social;

public sealed class FriendPagingTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private const int Friends = 5_000;

    [Fact]
    public async Task Paging_5000_friends_while_requests_are_accepted_returns_each_friend_once_and_misses_none()
    {
        var user = silo.NewUser();
        var store = silo.Factory.Services.GetRequiredService<EdgeStore>();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var friends = Enumerable.Range(0, Friends).Select(i => new UserId(10_000_000 + i)).ToList();

        // Both asks on the user's shard (the friendship view follows from them in the same transactions), as replay would write them.
        await store.ApplyAllAsync(user, friends.SelectMany((f, i) => new[]
        {
            (EdgeDirection.FriendAsks, f, EdgeState.Active, start.AddMilliseconds(i)),
            (EdgeDirection.FriendAsked, f, EdgeState.Active, start.AddMilliseconds(i)),
        }), Token);
        Assert.Equal(Friends, (await silo.Client.CountsAsync(user)).Friends);

        using var stop = new CancellationTokenSource();
        var newcomers = new List<UserId>();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var newcomer = silo.NewUser();
                await silo.Client.FriendAsync(newcomer, user);
                await silo.Client.FriendAsync(user, newcomer);
                newcomers.Add(newcomer);
            }
        }, Token);

        var seen = await RelationGraphApiClient.WalkAsync(cursor => silo.Client.FriendsAsync(user, 97, cursor));
        await stop.CancelAsync();
        await accepting;

        var ids = seen.Select(e => e.UserId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Empty(friends.Except(ids));
        Assert.Empty(ids.Except(friends).Except(newcomers));
        Assert.NotEmpty(newcomers);
        Assert.Equal(Friends + newcomers.Count, (await silo.Client.CountsAsync(user)).Friends);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
