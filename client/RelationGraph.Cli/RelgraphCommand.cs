using System.CommandLine;
using RelationGraph.Abstractions;
using RelationGraph.Cli.Output;
using RelationGraph.Client;

namespace RelationGraph.Cli;

/// <summary>The command tree: one subcommand per client call, each a few lines over <see cref="IRelationGraphClient"/>.</summary>
internal static partial class RelgraphCommand
{
    public static RootCommand Create(RelgraphEnvironment environment)
    {
        var connection = new ConnectionOptions(environment);
        var root = new RootCommand("relgraph: follow, unfollow and inspect users in a RelationGraph cluster.");
        foreach (var option in connection.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(FollowCommand("follow", "Make USER follow TARGET (idempotent).", connection, (client, user, target, ct) => client.FollowAsync(user, target, ct)));
        root.Subcommands.Add(FollowCommand("unfollow", "Make USER stop following TARGET (idempotent).", connection, (client, user, target, ct) => client.UnfollowAsync(user, target, ct)));
        root.Subcommands.Add(ListCommand("following", "The users USER follows, newest first.", connection, (client, user, page, ct) => client.GetFollowingAsync(user, page, ct)));
        root.Subcommands.Add(ListCommand("fans", "The users following USER, newest first.", connection, (client, user, page, ct) => client.GetFansAsync(user, page, ct)));
        root.Subcommands.Add(CountsCommand(connection));
        root.Subcommands.Add(RelationCommand(connection));
        root.Subcommands.Add(SilosCommand(connection));
        root.Subcommands.Add(GenerateCommand(connection));
        root.Subcommands.Add(ImportCommand(connection));
        root.Subcommands.Add(ApiKeyCommand(connection, environment));
        AddSocialCommands(root, connection);
        root.Subcommands.Add(AuditCommand(connection));
        root.Subcommands.Add(DeleteUserCommand(connection));
        return root;
    }

    private static Command FollowCommand(string name, string description, ConnectionOptions connection, Func<IRelationGraphClient, UserId, UserId, CancellationToken, Task<FollowResult>> call)
    {
        var user = UserArgument("user", "The follower.");
        var target = UserArgument("target", "The user followed.");
        var command = new Command(name, description) { user, target };
        SetAction(command, connection, async run =>
        {
            var (userId, targetId) = run.DistinctUsers(user, target);
            await using var client = await run.ConnectAsync();
            await run.Output.FollowResultAsync(await call(client, userId, targetId, run.CancellationToken));
        });
        return command;
    }

    private static Command ListCommand(string name, string description, ConnectionOptions connection, Func<IRelationGraphClient, UserId, PageRequest, CancellationToken, Task<EdgePage>> call) =>
        ListCommand(name, description, connection, (client, user, page, run) => call(client, user, page, run.CancellationToken));

    /// <summary>A paged list command; <paramref name="extra"/> options are added to it and read by <paramref name="call"/> through the invocation.</summary>
    private static Command ListCommand(
        string name, string description, ConnectionOptions connection, Func<IRelationGraphClient, UserId, PageRequest, Invocation, Task<EdgePage>> call, params Option[] extra)
    {
        var user = UserArgument("user", "The user whose list to read.");
        var limit = new Option<int>("--limit") { Description = $"Entries per page, 1 to {PageRequest.MaxLimit}.", HelpName = "n", DefaultValueFactory = _ => PageRequest.DefaultLimit };
        var cursor = new Option<string>("--cursor") { Description = "Start at this page: the 'next cursor' of a previous call." };
        var all = new Option<bool>("--all") { Description = "Read every page (from --cursor, if given), --limit entries at a time." };
        var command = new Command(name, description) { user, limit, cursor, all };
        foreach (var option in extra)
        {
            command.Options.Add(option);
        }

        SetAction(command, connection, async run =>
        {
            var userId = run.User(user);
            var first = run.Page(limit, cursor);
            await using var client = await run.ConnectAsync();
            await run.Output.EdgesAsync(Pages(page => call(client, userId, page, run), first, run.Value(all), p => p.NextCursor));
        });
        return command;
    }

    private static Command CountsCommand(ConnectionOptions connection)
    {
        var user = UserArgument("user", "The user to count for.");
        var command = new Command("counts", "How many users USER follows and how many follow USER.") { user };
        SetAction(command, connection, async run =>
        {
            var userId = run.User(user);
            await using var client = await run.ConnectAsync();
            await run.Output.CountsAsync(await client.GetCountsAsync(userId, run.CancellationToken));
        });
        return command;
    }

    private static Command RelationCommand(ConnectionOptions connection)
    {
        var user = UserArgument("user", "The first user.");
        var other = UserArgument("other", "The second user.");
        var command = new Command("relation", "Whether USER follows OTHER, OTHER follows USER, and both (mutual).") { user, other };
        SetAction(command, connection, async run =>
        {
            var (userId, otherId) = run.DistinctUsers(user, other);
            await using var client = await run.ConnectAsync();
            await run.Output.RelationAsync(await client.GetRelationAsync(userId, otherId, run.CancellationToken));
        });
        return command;
    }

    private static Command SilosCommand(ConnectionOptions connection)
    {
        var command = new Command("silos", "The cluster's silos as the membership table lists them, with their status.");
        SetAction(command, connection, async run =>
        {
            await using var client = await run.ConnectAsync();
            await run.Output.SilosAsync(await client.GetSilosAsync(run.CancellationToken));
        });
        return command;
    }

    private static Argument<string> UserArgument(string name, string description) => new(name) { Description = description + " A user id: an integer from 1." };

    /// <summary>The first page, then with <paramref name="all"/> each following one until the last.</summary>
    private static async IAsyncEnumerable<TPage> Pages<TPage>(Func<PageRequest, Task<TPage>> fetch, PageRequest first, bool all, Func<TPage, string?> nextCursor)
    {
        var request = first;
        while (true)
        {
            var page = await fetch(request);
            yield return page;
            if (!all || nextCursor(page) is not { } next)
            {
                yield break;
            }

            request = request with { Cursor = next };
        }
    }

    /// <summary>Runs <paramref name="body"/> for <paramref name="command"/>, any failure becoming one stderr line and exit code 1.</summary>
    private static void SetAction(Command command, ConnectionOptions connection, Func<Invocation, Task> body) =>
        command.SetAction((parseResult, cancellationToken) =>
            Failures.ReportAsync(parseResult.InvocationConfiguration.Error, () => body(new Invocation(parseResult, connection, cancellationToken)), cancellationToken));

    /// <summary>One run of a command: its parsed arguments, validated here before anything connects, and the connection.</summary>
    private sealed class Invocation(ParseResult parseResult, ConnectionOptions connection, CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken => cancellationToken;

        public IRelgraphOutput Output { get; } = RelgraphOutput.Create(
            parseResult.GetValue(connection.Json), parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);

        public T? Value<T>(Option<T> option) => parseResult.GetValue(option);

        public T? Value<T>(Argument<T> argument) => parseResult.GetValue(argument);

        public bool Json => parseResult.GetValue(connection.Json);

        public TextWriter Stdout => parseResult.InvocationConfiguration.Output;

        public TextWriter Stderr => parseResult.InvocationConfiguration.Error;

        public UserId User(Argument<string> argument) => ParseUser(parseResult.GetValue(argument));

        public static UserId[] Users(IEnumerable<string> texts) => [.. texts.Select(ParseUser)];

        private static UserId ParseUser(string? text) =>
            UserId.TryParse(text, null, out var id)
                ? id
                : throw new RelgraphException($"'{text}' is not a user id: ids are integers from 1 to {long.MaxValue}.");

        public (UserId First, UserId Second) DistinctUsers(Argument<string> first, Argument<string> second)
        {
            var (a, b) = (User(first), User(second));
            return a != b ? (a, b) : throw new RelgraphException($"user {a} cannot follow or relate to themselves.");
        }

        public PageRequest Page(Option<int> limit, Option<string> cursor)
        {
            var size = parseResult.GetValue(limit);
            if (size is < 1 or > PageRequest.MaxLimit)
            {
                throw new RelgraphException($"--limit must be between 1 and {PageRequest.MaxLimit}, not {size}.");
            }

            return new PageRequest(size, parseResult.GetValue(cursor) is { Length: > 0 } text ? text : null);
        }

        /// <summary>Connects to the cluster; a failure to reach it names the gateways (or the membership table) tried and what to check.</summary>
        public async Task<RelationGraphClient> ConnectAsync()
        {
            var options = connection.Resolve(parseResult);
            try
            {
                return await RelationGraphClient.ConnectAsync(options, cancellationToken: cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested
                && Failures.DescribeConnectFailure(exception, options) is { } described)
            {
                throw described;
            }
        }
    }
}
