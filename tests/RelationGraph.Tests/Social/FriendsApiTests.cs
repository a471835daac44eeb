using System.Net;
using System.Text.Json;
using RelationGraph.Abstractions;
using RelationGraph.Tests.Api;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Social;

public sealed class FriendsApiTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private HttpClient Client => silo.Client;

    [Fact]
    public async Task A_request_answers_the_documented_shape_and_an_acceptance_makes_friends_on_both_sides()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        using var response = await Client.PutAsync($"/v1/users/{a}/friends/{b}", null, Token);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var accepted = await Client.FriendAsync(b, a);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(a.Value, json.RootElement.GetProperty("userId").GetInt64());
        Assert.Equal(b.Value, json.RootElement.GetProperty("otherId").GetInt64());
        Assert.Equal("requested", json.RootElement.GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
        Assert.Equal(new FriendResult(b, a, FriendStatus.Friends, true), accepted);
        Assert.Equal([b], (await Client.FriendsAsync(a)).Items.Select(i => i.UserId));
        Assert.Equal([a], (await Client.FriendsAsync(b)).Items.Select(i => i.UserId));
        Assert.Equal(1, (await Client.CountsAsync(a)).Friends);
        Assert.Equal(1, (await Client.CountsAsync(b)).Friends);
        Assert.Empty((await Client.FriendRequestsAsync(a, "outgoing")).Items);
        Assert.Empty((await Client.FriendRequestsAsync(b, "incoming")).Items);
        var relation = await Client.RelationAsync(a, b);
        Assert.True(relation.Friends);
        Assert.Null(relation.FriendRequest);
        Assert.False(relation.Following);
    }

    [Fact]
    public async Task A_repeated_request_changes_nothing()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        var first = await Client.FriendAsync(a, b);
        var second = await Client.FriendAsync(a, b);

        Assert.True(first.Changed);
        Assert.Equal(new FriendResult(a, b, FriendStatus.Requested, false), second);
        Assert.Equal([b], (await Client.FriendRequestsAsync(a, "outgoing")).Items.Select(i => i.UserId));
        Assert.Equal([a], (await Client.FriendRequestsAsync(b, "incoming")).Items.Select(i => i.UserId));
        Assert.Equal(FriendRequestDirection.Outgoing, (await Client.RelationAsync(a, b)).FriendRequest);
        Assert.Equal(FriendRequestDirection.Incoming, (await Client.RelationAsync(b, a)).FriendRequest);
    }

    [Fact]
    public async Task Delete_cancels_a_request_declines_one_and_ends_a_friendship()
    {
        var (a, b, c, d) = (silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser());
        await Client.FriendAsync(a, b);
        await Client.FriendAsync(c, a);
        await Client.FriendAsync(a, d);
        await Client.FriendAsync(d, a);

        var cancelled = await Client.UnfriendAsync(a, b);
        var declined = await Client.UnfriendAsync(a, c);
        var ended = await Client.UnfriendAsync(d, a);
        var repeated = await Client.UnfriendAsync(d, a);

        Assert.Equal(new FriendResult(a, b, FriendStatus.None, true), cancelled);
        Assert.Equal(new FriendResult(a, c, FriendStatus.None, true), declined);
        Assert.Equal(new FriendResult(d, a, FriendStatus.None, true), ended);
        Assert.False(repeated.Changed);
        Assert.Empty((await Client.FriendRequestsAsync(a, "outgoing")).Items);
        Assert.Empty((await Client.FriendRequestsAsync(a, "incoming")).Items);
        Assert.Empty((await Client.FriendRequestsAsync(c, "outgoing")).Items);
        Assert.Empty((await Client.FriendsAsync(a)).Items);
        Assert.Empty((await Client.FriendsAsync(d)).Items);
        Assert.Equal(0, (await Client.CountsAsync(a)).Friends);
        Assert.Equal(0, (await Client.CountsAsync(d)).Friends);
        var relation = await Client.RelationAsync(c, a);
        Assert.Null(relation.FriendRequest);
        Assert.False(relation.Friends);
    }

    [Fact]
    public async Task Friendship_is_independent_of_following()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(a, b);
        await Client.FriendAsync(a, b);
        await Client.FriendAsync(b, a);

        await Client.UnfriendAsync(a, b);

        Assert.True((await Client.RelationAsync(a, b)).Following);
        await Client.UnfollowAsync(a, b);
        await Client.FriendAsync(a, b);
        await Client.FriendAsync(b, a);
        Assert.True((await Client.RelationAsync(a, b)).Friends);
        Assert.False((await Client.RelationAsync(a, b)).Following);
    }

    [Fact]
    public async Task Lists_are_newest_first_and_page_with_cursors()
    {
        var a = silo.NewUser();
        var friends = Enumerable.Range(0, 7).Select(_ => silo.NewUser()).ToList();
        foreach (var friend in friends)
        {
            await Client.FriendAsync(friend, a);
            await Client.FriendAsync(a, friend);
        }

        var all = await RelationGraphApiClient.WalkAsync(cursor => Client.FriendsAsync(a, 3, cursor));

        Assert.Equal(Enumerable.Reverse(friends), all.Select(e => e.UserId));
    }

    [Fact]
    public async Task A_self_request_an_unknown_direction_and_a_malformed_cursor_answer_400_and_change_nothing()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        await Client.FriendAsync(b, a);

        using var self = await Client.PutAsync($"/v1/users/{a}/friends/{a}", null, Token);
        using var direction = await Client.GetAsync($"/v1/users/{a}/friend-requests?direction=sideways", Token);
        using var cursor = await Client.GetAsync($"/v1/users/{a}/friends?cursor=not-a-cursor", Token);
        using var setCursor = await Client.GetAsync($"/v1/users/{a}/mutual?cursor=AAAA", Token);

        await FollowApiTests.AssertProblemAsync(self, HttpStatusCode.BadRequest);
        await FollowApiTests.AssertProblemAsync(direction, HttpStatusCode.BadRequest);
        await FollowApiTests.AssertProblemAsync(cursor, HttpStatusCode.BadRequest);
        await FollowApiTests.AssertProblemAsync(setCursor, HttpStatusCode.BadRequest);
        Assert.Equal([b], (await Client.FriendRequestsAsync(a, "incoming")).Items.Select(i => i.UserId));
        Assert.Empty((await Client.FriendRequestsAsync(a, "outgoing")).Items);
        Assert.Equal(0, (await Client.CountsAsync(a)).Friends);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
