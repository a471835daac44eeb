using RelationGraph.Abstractions;

namespace RelationGraph.Tests.Cli;

/// <summary>The friend, block, relations and set query commands.</summary>
public sealed partial class RelgraphCliTests
{
    [Fact]
    public async Task Friend_twice_from_each_side_makes_friends_and_friends_lists_them()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        var asked = await RunAsync("friend", $"{a}", $"{b}");
        var pending = await RunAsync("requests", $"{b}", "--incoming");
        var outgoing = await RunAsync("requests", $"{a}", "--outgoing", "--json");
        var accepted = await RunAsync("friend", $"{b}", $"{a}");
        var friends = await RunAsync("friends", $"{a}");

        asked.AssertSuccess($"{a} asked {b} to be friends");
        Assert.StartsWith($"{a}  ", Assert.Single(Lines(pending.Stdout)), StringComparison.Ordinal);
        Assert.Equal(b.Value, outgoing.ParseJson().RootElement.GetProperty("items")[0].GetProperty("userId").GetInt64());
        accepted.AssertSuccess($"{b} and {a} are friends");
        Assert.StartsWith($"{b}  ", Assert.Single(Lines(friends.Stdout)), StringComparison.Ordinal);
        (await RunAsync("unfriend", $"{a}", $"{b}")).AssertSuccess($"{a} and {b} are no longer friends or asking");
    }

    [Fact]
    public async Task Block_lists_in_blocks_and_a_blocked_follow_fails_with_one_line()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        var blocked = await RunAsync("block", $"{a}", $"{b}", "--json");
        var refused = await RunAsync("follow", $"{b}", $"{a}");
        var blocks = await RunAsync("blocks", $"{a}");

        Assert.True(blocked.ParseJson().RootElement.GetProperty("blocked").GetBoolean());
        refused.AssertFailure($"User {a} blocks user {b}");
        Assert.StartsWith($"{b}  ", Assert.Single(Lines(blocks.Stdout)), StringComparison.Ordinal);
        (await RunAsync("unblock", $"{a}", $"{b}")).AssertSuccess($"{a} no longer blocks {b}");
    }

    [Fact]
    public async Task Relations_prints_one_line_per_user_and_refuses_the_users_own_id()
    {
        var (a, b, c) = (fixture.NewUser(), fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(a, b, Token);
        await fixture.Client.BlockAsync(c, a, Token);

        var run = await RunAsync("relations", $"{a}", $"{b}", $"{c}");
        var json = await RunAsync("relations", $"{a}", $"{b}", $"{c}", "--json");
        var self = await RunAsync("relations", $"{a}", $"{b}", $"{a}");

        Assert.Equal(
            [
                $"{a} -> {b}: following yes, followed by no, friends no, request none, blocked no, blocked by no",
                $"{a} -> {c}: following no, followed by no, friends no, request none, blocked no, blocked by yes",
            ],
            Lines(run.Stdout));
        Assert.Equal(2, json.ParseJson().RootElement.GetProperty("items").GetArrayLength());
        self.AssertFailure("own id");
    }

    [Fact]
    public async Task Set_commands_print_the_users_both_follow()
    {
        var (a, b, both, onlyA) = (fixture.NewUser(), fixture.NewUser(), fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(a, both, Token);
        await fixture.Client.FollowAsync(b, both, Token);
        await fixture.Client.FollowAsync(a, onlyA, Token);
        await fixture.Client.FollowAsync(onlyA, a, Token);

        (await RunAsync("common", $"{a}", $"{b}")).AssertSuccess($"{both}");
        (await RunAsync("mutual", $"{a}")).AssertSuccess($"{onlyA}");
        Assert.Empty(Lines((await RunAsync("who-follow", $"{a}", $"{b}", "--all")).Stdout));
        Assert.Equal(both.Value, (await RunAsync("common", $"{a}", $"{b}", "--json")).ParseJson().RootElement.GetProperty("items")[0].GetProperty("userId").GetInt64());
    }
}
