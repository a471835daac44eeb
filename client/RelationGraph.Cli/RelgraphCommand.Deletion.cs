using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RelationGraph.Abstractions.Deletion;

namespace RelationGraph.Cli;

/// <summary><c>relgraph delete-user USER [--wait]</c>.</summary>
internal static partial class RelgraphCommand
{
    private static Command DeleteUserCommand(ConnectionOptions connection)
    {
        var user = UserArgument("user", "The user to delete.");
        var wait = new Option<bool>("--wait") { Description = "Wait until every row of the user is gone, with a progress bar on standard error." };
        var command = new Command("delete-user", "Delete USER: erase every relation of theirs, both directions and both copies (a second call answers the same deletion).") { user, wait };
        SetAction(command, connection, async invocation =>
        {
            var userId = invocation.User(user);
            await using var client = await invocation.ConnectAsync();
            var shown = await client.DeleteUserAsync(userId, invocation.CancellationToken);
            if (invocation.Value(wait))
            {
                while (shown.State == UserDeletionState.Deleting)
                {
                    if (!invocation.Json)
                    {
                        await invocation.Stderr.WriteAsync(DeletionProgressLine(shown));
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), invocation.CancellationToken);
                    shown = await client.GetUserDeletionAsync(userId, invocation.CancellationToken) ?? shown;
                }

                if (!invocation.Json)
                {
                    await invocation.Stderr.WriteLineAsync(DeletionProgressLine(shown));
                }
            }

            await invocation.Stdout.WriteLineAsync(invocation.Json
                ? JsonSerializer.Serialize(shown, AuditJson)
                : string.Create(CultureInfo.InvariantCulture,
                    $"user {shown.UserId} {shown.State.ToString().ToLowerInvariant()}: {shown.Removed:N0} of {shown.Total:N0} rows removed, started {shown.StartedAt:u}{(shown.FinishedAt is { } f ? $", finished {f:u}" : "")}"));
        });
        return command;
    }

    private static string DeletionProgressLine(UserDeletion deletion)
    {
        var share = deletion.Total == 0 ? 1 : Math.Min(1, (double)deletion.Removed / deletion.Total);
        var bar = new string('#', (int)(share * 30)).PadRight(30);
        return string.Create(CultureInfo.InvariantCulture, $"\rdeleting user {deletion.UserId} [{bar}] {share * 100,3:F0}% {deletion.Removed:N0}/{deletion.Total:N0} rows  ");
    }
}
