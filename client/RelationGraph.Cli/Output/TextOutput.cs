using System.Globalization;
using System.Text;
using RelationGraph.Abstractions;
using RelationGraph.Client;

namespace RelationGraph.Cli.Output;

/// <summary>
/// Plain text for people. Lists put one <c>&lt;id&gt;  &lt;since&gt;</c> line per entry on stdout and the next page's
/// cursor on stderr, so stdout stays just the list.
/// </summary>
internal sealed class TextOutput(TextWriter stdout, TextWriter stderr) : IRelgraphOutput
{
    public Task FollowResultAsync(FollowResult result) => stdout.WriteLineAsync((result.Following, result.Changed) switch
    {
        (true, true) => $"{result.UserId} now follows {result.TargetId}",
        (true, false) => $"{result.UserId} already follows {result.TargetId}",
        (false, true) => $"{result.UserId} no longer follows {result.TargetId}",
        (false, false) => $"{result.UserId} was not following {result.TargetId}",
    });

    public async Task EdgesAsync(IAsyncEnumerable<EdgePage> pages)
    {
        string? nextCursor = null;
        await foreach (var page in pages)
        {
            foreach (var edge in page.Items)
            {
                await stdout.WriteLineAsync($"{edge.UserId}  {Timestamps.Format(edge.Since)}");
            }

            nextCursor = page.NextCursor;
        }

        if (nextCursor is not null)
        {
            await stderr.WriteLineAsync($"next cursor: {nextCursor}");
        }
    }

    public Task CountsAsync(Counts counts) =>
        stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"user {counts.UserId}: following {counts.Following}, fans {counts.Fans}"));

    public Task RelationAsync(Relation relation) =>
        stdout.WriteLineAsync(
            $"{relation.UserId} -> {relation.OtherId}: following {YesNo(relation.Following)}, followed by {YesNo(relation.FollowedBy)}, mutual {YesNo(relation.Mutual)}");

    public Task FriendResultAsync(FriendResult result) => stdout.WriteLineAsync((result.Status, result.Changed) switch
    {
        (FriendStatus.Friends, _) => $"{result.UserId} and {result.OtherId} are friends",
        (FriendStatus.Requested, true) => $"{result.UserId} asked {result.OtherId} to be friends",
        (FriendStatus.Requested, false) => $"{result.UserId} already asked {result.OtherId} to be friends",
        (_, true) => $"{result.UserId} and {result.OtherId} are no longer friends or asking",
        _ => $"{result.UserId} and {result.OtherId} were neither friends nor asking",
    });

    public Task BlockResultAsync(BlockResult result) => stdout.WriteLineAsync((result.Blocked, result.Changed) switch
    {
        (true, true) => $"{result.UserId} now blocks {result.OtherId}",
        (true, false) => $"{result.UserId} already blocks {result.OtherId}",
        (false, true) => $"{result.UserId} no longer blocks {result.OtherId}",
        (false, false) => $"{result.UserId} was not blocking {result.OtherId}",
    });

    /// <summary>One line per other user: the follow flags, then friendship, request and blocks.</summary>
    public async Task RelationsAsync(RelationSet relations)
    {
        foreach (var r in relations.Items)
        {
            var request = r.FriendRequest switch
            {
                FriendRequestDirection.Incoming => "incoming",
                FriendRequestDirection.Outgoing => "outgoing",
                _ => "none",
            };
            await stdout.WriteLineAsync(
                $"{r.UserId} -> {r.OtherId}: following {YesNo(r.Following)}, followed by {YesNo(r.FollowedBy)}, friends {YesNo(r.Friends)}, request {request}, blocked {YesNo(r.Blocked)}, blocked by {YesNo(r.BlockedBy)}");
        }
    }

    public async Task UsersAsync(IAsyncEnumerable<UserPage> pages)
    {
        string? nextCursor = null;
        await foreach (var page in pages)
        {
            foreach (var item in page.Items)
            {
                await stdout.WriteLineAsync(item.UserId.ToString());
            }

            nextCursor = page.NextCursor;
        }

        if (nextCursor is not null)
        {
            await stderr.WriteLineAsync($"next cursor: {nextCursor}");
        }
    }

    /// <summary>An aligned table: ADDRESS NAME GATEWAY STATUS STARTED.</summary>
    public Task SilosAsync(IReadOnlyList<SiloInfo> silos)
    {
        string[][] rows =
        [
            ["ADDRESS", "NAME", "GATEWAY", "STATUS", "STARTED"],
            .. silos.Select(s => new[] { s.Address, s.Name, Gateway(s), s.Status, Timestamps.FormatSeconds(s.StartTime) }),
        ];
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var table = new StringBuilder();
        foreach (var row in rows)
        {
            table.Append(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c])))).Append(stdout.NewLine);
        }

        return stdout.WriteAsync(table.ToString());
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>The silo's client endpoint: the host of its address (<c>host:port@generation</c>) and its gateway port.</summary>
    private static string Gateway(SiloInfo silo)
    {
        var endpoint = silo.Address.Split('@')[0];
        var colon = endpoint.LastIndexOf(':');
        var host = colon > 0 ? endpoint[..colon] : endpoint;
        var port = silo.GatewayPort.ToString(CultureInfo.InvariantCulture);
        return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
    }
}
