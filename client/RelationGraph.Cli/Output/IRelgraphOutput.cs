using RelationGraph.Abstractions;
using RelationGraph.Client;

namespace RelationGraph.Cli.Output;

/// <summary>How a command's result is written: <see cref="TextOutput"/> for people, <see cref="JsonOutput"/> for programs.</summary>
internal interface IRelgraphOutput
{
    /// <summary>The outcome of a follow or unfollow.</summary>
    Task FollowResultAsync(FollowResult result);

    /// <summary>A following or fan list: one page, or with --all every page in turn.</summary>
    Task EdgesAsync(IAsyncEnumerable<EdgePage> pages);

    /// <summary>A user's counts.</summary>
    Task CountsAsync(Counts counts);

    /// <summary>How two users relate.</summary>
    Task RelationAsync(Relation relation);

    /// <summary>The outcome of a friend request or of ending one.</summary>
    Task FriendResultAsync(FriendResult result);

    /// <summary>The outcome of a block or unblock.</summary>
    Task BlockResultAsync(BlockResult result);

    /// <summary>How one user relates to several others.</summary>
    Task RelationsAsync(RelationSet relations);

    /// <summary>A set query: one page, or with --all every page in turn.</summary>
    Task UsersAsync(IAsyncEnumerable<UserPage> pages);

    /// <summary>The membership table.</summary>
    Task SilosAsync(IReadOnlyList<SiloInfo> silos);
}

/// <summary>Chooses the output.</summary>
internal static class RelgraphOutput
{
    public static IRelgraphOutput Create(bool json, TextWriter stdout, TextWriter stderr) =>
        json ? new JsonOutput(stdout) : new TextOutput(stdout, stderr);
}
