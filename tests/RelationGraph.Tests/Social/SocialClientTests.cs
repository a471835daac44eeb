using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Social;

/// <summary>The SDK's side of friends, blocks and batches: typed exceptions, and bad input refused before any call.</summary>
public sealed class SocialClientTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private RelationGraphClient Client => new(silo.Factory.Services.GetRequiredService<IClusterClient>());

    [Fact]
    public async Task A_blocked_follow_or_request_throws_RelationBlockedException_saying_who_blocks_whom()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        await Client.BlockAsync(a, b, Token);

        var byBlocked = await Assert.ThrowsAsync<RelationBlockedException>(() => Client.FollowAsync(b, a, Token));
        var byBlocker = await Assert.ThrowsAsync<RelationBlockedException>(() => Client.RequestFriendAsync(a, b, Token));

        Assert.True(byBlocked.BlockedByTarget);
        Assert.False(byBlocker.BlockedByTarget);
        Assert.Equal(new Counts(a, 0, 0), await Client.GetCountsAsync(a, Token));
    }

    [Fact]
    public async Task Bad_batches_and_self_actions_throw_ArgumentException_before_any_call()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        Assert.Throws<ArgumentException>(() => { _ = Client.GetRelationsAsync(a, [.. Enumerable.Range(1, RelationBatch.MaxIds + 1).Select(i => new UserId(a.Value + i))], Token); });
        Assert.Throws<ArgumentException>(() => { _ = Client.GetRelationsAsync(a, [b, b], Token); });
        Assert.Throws<ArgumentException>(() => { _ = Client.GetRelationsAsync(a, [b, a], Token); });
        Assert.Throws<ArgumentException>(() => { _ = Client.GetRelationsAsync(a, [], Token); });
        Assert.Throws<ArgumentException>(() => { _ = Client.GetRelationsAsync(a, [default], Token); });
        Assert.Throws<ArgumentException>(() => { _ = Client.BlockAsync(a, a, Token); });
        Assert.Throws<ArgumentException>(() => { _ = Client.RequestFriendAsync(a, a, Token); });
        Assert.Throws<ArgumentException>(() => { _ = Client.GetSetAsync(a, SetQuery.CommonFollowing, null, null, Token); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Client.GetFriendRequestsAsync(a, (FriendRequestDirection)7, null, Token); });
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetSetAsync(a, SetQuery.Mutual, null, new PageRequest(10, "not-a-cursor"), Token));
        Assert.Empty((await Client.GetBlocksAsync(a, null, Token)).Items);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
