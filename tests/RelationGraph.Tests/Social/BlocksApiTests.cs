using System.Net;
using System.Text.Json;
using RelationGraph.Abstractions;
using RelationGraph.Tests.Api;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Social;

public sealed class BlocksApiTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private HttpClient Client => silo.Client;

    [Fact]
    public async Task A_block_removes_follows_both_ways_the_friendship_and_requests_with_counts_and_answers_the_documented_shape()
    {
        var (a, b, c) = (silo.NewUser(), silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(a, b);
        await Client.FollowAsync(b, a);
        await Client.FriendAsync(a, b);
        await Client.FriendAsync(b, a);
        await Client.FriendAsync(c, a);
        await Client.FollowAsync(a, c);
        await Client.FollowingAsync(a); // cached in a's grain: the block must not leave it stale

        using var response = await Client.PutAsync($"/v1/users/{a}/blocks/{b}", null, Token);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var againstRequest = await Client.BlockAsync(a, c);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(a.Value, json.RootElement.GetProperty("userId").GetInt64());
        Assert.Equal(b.Value, json.RootElement.GetProperty("otherId").GetInt64());
        Assert.True(json.RootElement.GetProperty("blocked").GetBoolean());
        Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
        Assert.True(againstRequest.Changed);
        Assert.Equal(new Counts(a, 0, 0), await Client.CountsAsync(a));
        Assert.Equal(new Counts(b, 0, 0), await Client.CountsAsync(b));
        Assert.Equal(new Counts(c, 0, 0), await Client.CountsAsync(c));
        Assert.Empty((await Client.FollowingAsync(a)).Items);
        Assert.Empty((await Client.FansAsync(a)).Items);
        Assert.Empty((await Client.FollowingAsync(b)).Items);
        Assert.Empty((await Client.FansAsync(b)).Items);
        Assert.Empty((await Client.FriendsAsync(a)).Items);
        Assert.Empty((await Client.FriendRequestsAsync(a, "incoming")).Items);
        Assert.Empty((await Client.FriendRequestsAsync(c, "outgoing")).Items);
        Assert.Equal([c, b], (await Client.BlocksAsync(a)).Items.Select(i => i.UserId));
        var relation = await Client.RelationAsync(a, b);
        Assert.Equal((false, false, false, true, false), (relation.Following, relation.FollowedBy, relation.Friends, relation.Blocked, relation.BlockedBy));
        Assert.True((await Client.RelationAsync(b, a)).BlockedBy);
    }

    [Fact]
    public async Task A_repeated_block_changes_nothing()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        var first = await Client.BlockAsync(a, b);
        var second = await Client.BlockAsync(a, b);

        Assert.True(first.Changed);
        Assert.Equal(new BlockResult(a, b, true, false), second);
        Assert.Single((await Client.BlocksAsync(a)).Items);
    }

    [Fact]
    public async Task While_a_blocks_b_a_follow_or_request_from_b_answers_403_and_from_a_409_and_nothing_is_written()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        await Client.BlockAsync(a, b);

        using var followFromBlocked = await Client.PutAsync($"/v1/users/{b}/following/{a}", null, Token);
        using var requestFromBlocked = await Client.PutAsync($"/v1/users/{b}/friends/{a}", null, Token);
        using var followFromBlocker = await Client.PutAsync($"/v1/users/{a}/following/{b}", null, Token);
        using var requestFromBlocker = await Client.PutAsync($"/v1/users/{a}/friends/{b}", null, Token);

        await FollowApiTests.AssertProblemAsync(followFromBlocked, HttpStatusCode.Forbidden);
        await FollowApiTests.AssertProblemAsync(requestFromBlocked, HttpStatusCode.Forbidden);
        await FollowApiTests.AssertProblemAsync(followFromBlocker, HttpStatusCode.Conflict);
        await FollowApiTests.AssertProblemAsync(requestFromBlocker, HttpStatusCode.Conflict);
        Assert.Equal(new Counts(a, 0, 0), await Client.CountsAsync(a));
        Assert.Equal(new Counts(b, 0, 0), await Client.CountsAsync(b));
        Assert.Empty((await Client.FriendRequestsAsync(a, "incoming")).Items);
        Assert.Empty((await Client.FriendRequestsAsync(b, "incoming")).Items);
        var relation = await Client.RelationAsync(a, b);
        Assert.Equal((false, false, null), (relation.Following, relation.FollowedBy, relation.FriendRequest));
    }

    [Fact]
    public async Task Unblocking_restores_nothing_and_allows_new_follows()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(b, a);
        await Client.BlockAsync(a, b);

        var unblocked = await Client.UnblockAsync(a, b);
        var again = await Client.UnblockAsync(a, b);

        Assert.Equal(new BlockResult(a, b, false, true), unblocked);
        Assert.False(again.Changed);
        Assert.Empty((await Client.BlocksAsync(a)).Items);
        Assert.False((await Client.RelationAsync(b, a)).Following);
        Assert.True((await Client.FollowAsync(b, a)).Changed);
        Assert.Equal(1, (await Client.CountsAsync(a)).Fans);
    }

    [Fact]
    public async Task A_self_block_answers_400_and_writes_nothing()
    {
        var a = silo.NewUser();

        using var response = await Client.PutAsync($"/v1/users/{a}/blocks/{a}", null, Token);

        await FollowApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty((await Client.BlocksAsync(a)).Items);
    }

    [Fact]
    public async Task Set_queries_leave_out_users_blocking_or_blocked_by_the_viewer()
    {
        var (a, b, c, d) = (silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser());
        foreach (var followed in new[] { c, d })
        {
            await Client.FollowAsync(a, followed);
            await Client.FollowAsync(b, followed);
        }

        await Client.BlockAsync(d, a);

        Assert.Equal([c], await Client.WalkSetAsync($"/v1/users/{a}/common-following/{b}", 10));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
