using System.CommandLine;
using RelationGraph.Abstractions;
using RelationGraph.Client;

namespace RelationGraph.Cli;

/// <summary>Friends, blocks, batch relation checks and set queries.</summary>
internal static partial class RelgraphCommand
{
    private static void AddSocialCommands(RootCommand root, ConnectionOptions connection)
    {
        root.Subcommands.Add(PairCommand("friend", "USER asks OTHER to be friends, or accepts OTHER's request (idempotent).", connection,
            async (client, user, other, output, ct) => await output.FriendResultAsync(await client.RequestFriendAsync(user, other, ct))));
        root.Subcommands.Add(PairCommand("unfriend", "Cancel USER's request to OTHER, decline OTHER's, or end their friendship (idempotent).", connection,
            async (client, user, other, output, ct) => await output.FriendResultAsync(await client.RemoveFriendAsync(user, other, ct))));
        root.Subcommands.Add(ListCommand("friends", "USER's friends, newest friendship first.", connection, (client, user, page, ct) => client.GetFriendsAsync(user, page, ct)));
        root.Subcommands.Add(RequestsCommand(connection));
        root.Subcommands.Add(PairCommand("block", "USER blocks OTHER: follows both ways, friendship and requests between them end (idempotent).", connection,
            async (client, user, other, output, ct) => await output.BlockResultAsync(await client.BlockAsync(user, other, ct))));
        root.Subcommands.Add(PairCommand("unblock", "USER unblocks OTHER; restores nothing (idempotent).", connection,
            async (client, user, other, output, ct) => await output.BlockResultAsync(await client.UnblockAsync(user, other, ct))));
        root.Subcommands.Add(ListCommand("blocks", "The users USER blocks, newest first.", connection, (client, user, page, ct) => client.GetBlocksAsync(user, page, ct)));
        root.Subcommands.Add(RelationsCommand(connection));
        root.Subcommands.Add(SetCommand("mutual", "Users USER follows who follow USER back.", SetQuery.Mutual, connection));
        root.Subcommands.Add(SetCommand("common", "Users both USER and OTHER follow.", SetQuery.CommonFollowing, connection));
        root.Subcommands.Add(SetCommand("who-follow", "Users USER follows who follow OTHER.", SetQuery.FollowingWhoFollow, connection));
    }

    private static Command PairCommand(string name, string description, ConnectionOptions connection, Func<IRelationGraphClient, UserId, UserId, Output.IRelgraphOutput, CancellationToken, Task> call)
    {
        var user = UserArgument("user", "The user acting.");
        var other = UserArgument("other", "The other user.");
        var command = new Command(name, description) { user, other };
        SetAction(command, connection, async run =>
        {
            var (userId, otherId) = run.DistinctUsers(user, other);
            await using var client = await run.ConnectAsync();
            await call(client, userId, otherId, run.Output, run.CancellationToken);
        });
        return command;
    }

    private static Command RequestsCommand(ConnectionOptions connection)
    {
        var outgoing = new Option<bool>("--outgoing") { Description = "Requests USER made." };
        var incoming = new Option<bool>("--incoming") { Description = "Requests others made to USER (the default)." };
        var command = ListCommand("requests", "USER's pending friend requests, newest first.", connection, (client, user, page, run) =>
            client.GetFriendRequestsAsync(user, run.Value(outgoing) ? FriendRequestDirection.Outgoing : FriendRequestDirection.Incoming, page, run.CancellationToken),
            incoming, outgoing);
        command.Validators.Add(result =>
        {
            if (result.GetValue(incoming) && result.GetValue(outgoing))
            {
                result.AddError("--incoming and --outgoing cannot be combined.");
            }
        });
        return command;
    }

    private static Command RelationsCommand(ConnectionOptions connection)
    {
        var user = UserArgument("user", "The user.");
        var others = new Argument<string[]>("others") { Description = $"The other users, 1 to {RelationBatch.MaxIds} distinct ids.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("relations", "How USER relates to each of OTHERS, in one call.") { user, others };
        SetAction(command, connection, async run =>
        {
            var userId = run.User(user);
            var ids = Invocation.Users(run.Value(others) ?? []);
            try
            {
                RelationBatch.Validate(userId, ids);
            }
            catch (ArgumentException invalid)
            {
                throw new RelgraphException(Failures.Describe(invalid), invalid);
            }

            await using var client = await run.ConnectAsync();
            await run.Output.RelationsAsync(await client.GetRelationsAsync(userId, ids, run.CancellationToken));
        });
        return command;
    }

    private static Command SetCommand(string name, string description, SetQuery query, ConnectionOptions connection)
    {
        var user = UserArgument("user", "The user.");
        var other = UserArgument("other", "The other user.");
        var limit = new Option<int>("--limit") { Description = $"Users per page, 1 to {PageRequest.MaxLimit}.", HelpName = "n", DefaultValueFactory = _ => PageRequest.DefaultLimit };
        var cursor = new Option<string>("--cursor") { Description = "Resume at this page: the 'next cursor' of a previous call." };
        var all = new Option<bool>("--all") { Description = "Read every page (from --cursor, if given)." };
        var command = new Command(name, description) { user };
        if (query != SetQuery.Mutual)
        {
            command.Arguments.Add(other);
        }

        command.Options.Add(limit);
        command.Options.Add(cursor);
        command.Options.Add(all);
        SetAction(command, connection, async run =>
        {
            var (userId, otherId) = query == SetQuery.Mutual ? (run.User(user), (UserId?)null) : run.DistinctUsers(user, other);
            var first = run.Page(limit, cursor);
            await using var client = await run.ConnectAsync();
            await run.Output.UsersAsync(Pages(page => client.GetSetAsync(userId, query, otherId, page, run.CancellationToken), first, run.Value(all), p => p.NextCursor));
        });
        return command;
    }
}
