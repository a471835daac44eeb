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
