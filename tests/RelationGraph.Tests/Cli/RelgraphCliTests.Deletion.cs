using System.Text.Json;
using RelationGraph.Cli;

namespace RelationGraph.Tests.Cli;

/// <summary><c>relgraph delete-user</c>.</summary>
public sealed partial class RelgraphCliTests
{
    [Fact]
    public async Task Delete_user_with_wait_shows_progress_and_prints_the_finished_deletion_then_the_user_answers_one_line()
    {
        var (user, fan) = (fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(fan, user, Token);

        var run = await RunAsync("delete-user", $"{user}", "--wait");
        var json = await RunAsync("delete-user", $"{user}", "--json");
        var fans = await RunAsync("fans", $"{user}");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("[##############################] 100%", run.Stderr, StringComparison.Ordinal);
        Assert.StartsWith($"user {user} deleted: 1 of 1 rows removed", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, json.ExitCode);
        using (var deletion = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal("deleted", deletion.RootElement.GetProperty("state").GetString());
        }

        Assert.Equal(ExitCodes.Failure, fans.ExitCode);
        Assert.Equal($"relgraph: User {user} is deleted.", fans.Stderr.Trim());
    }

    [Fact]
    public async Task Delete_user_of_a_bad_id_exits_1_with_one_line()
    {
        var run = await RunAsync("delete-user", "0");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("relgraph: '0' is not a user id: ids are integers from 1 to 9223372036854775807.", run.Stderr.Trim());
        Assert.Empty(run.Stdout);
    }
}
