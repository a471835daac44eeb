using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Cli;

/// <summary><c>relgraph audit run full|incremental [--wait]</c> and <c>relgraph audit status</c>.</summary>
internal static partial class RelgraphCommand
{
    private static readonly JsonSerializerOptions AuditJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static Command AuditCommand(ConnectionOptions connection)
    {
        var kind = new Argument<string>("kind") { Description = "full (every edge and count, tombstone purge) or incremental (what changed since the last run)." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to finish, with a progress bar on standard error." };
        var run = new Command("run", "Start an audit run: compare the fan copy and the counts with the following lists, and repair what differs.") { kind, wait };
        SetAction(run, connection, async invocation =>
        {
            var text = invocation.Value(kind);
            if (text is not ("full" or "incremental"))
            {
                throw new RelgraphException($"unknown audit kind '{text}': use full or incremental.");
            }

            await using var client = await invocation.ConnectAsync();
            AuditRun started;
            try
            {
                started = await client.StartAuditRunAsync(text == "full" ? AuditKind.Full : AuditKind.Incremental, invocation.CancellationToken);
            }
            catch (AuditRunConflictException conflict)
            {
                throw new RelgraphException($"a {text} run is already running ({conflict.RunningRunId}); see relgraph audit status.");
            }

            var shown = started;
            if (invocation.Value(wait))
            {
                while (shown.State == AuditRunState.Running)
                {
                    if (!invocation.Json)
                    {
                        await invocation.Stderr.WriteAsync(ProgressLine(shown));
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), invocation.CancellationToken);
                    shown = await client.GetAuditRunAsync(started.RunId, invocation.CancellationToken) ?? shown;
                }

                if (!invocation.Json)
                {
                    await invocation.Stderr.WriteLineAsync(ProgressLine(shown));
                }
            }

            await WriteRunsAsync(invocation, [shown], null);
            if (shown.State == AuditRunState.Failed)
            {
                throw new RelgraphException($"audit run {shown.RunId} failed; see the silo log.");
            }
        });

        var status = new Command("status", "The newest audit runs and the real-time check's totals.");
        SetAction(status, connection, async invocation =>
        {
            await using var client = await invocation.ConnectAsync();
            var runs = await client.GetAuditRunsAsync(10, invocation.CancellationToken);
            var realtime = await client.GetRealtimeAuditAsync(invocation.CancellationToken);
            await WriteRunsAsync(invocation, runs, realtime);
        });

        return new Command("audit", "Consistency audits of the two copies of every edge.") { run, status };
    }

    private static async Task WriteRunsAsync(Invocation invocation, IReadOnlyList<AuditRun> runs, RealtimeAuditTotals? realtime)
    {
        if (invocation.Json)
        {
            object value = realtime is null ? runs[0] : new { Items = runs, Realtime = realtime };
            await invocation.Stdout.WriteLineAsync(JsonSerializer.Serialize(value, AuditJson));
            return;
        }

        foreach (var run in runs)
        {
            await invocation.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{run.RunId,-16} {run.State.ToString().ToLowerInvariant(),-9} started {run.StartedAt:u}  {run.Scanned:N0} edges  {run.EdgesPerSecond:N0} edges/s  found {Counts(run.Found)}  repaired {Counts(run.Repaired)}"));
        }

        if (realtime is not null)
        {
            await invocation.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"real-time check: {realtime.Checked:N0} changes checked  found {Counts(realtime.Found)}  repaired {Counts(realtime.Repaired)}"));
        }
    }

    private static string Counts(AuditCounts c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.Total} (missing fan {c.MissingFan}, orphan fan {c.OrphanFan}, stale fan {c.StaleFan}, count drift {c.CountDrift})");

    private static string ProgressLine(AuditRun run)
    {
        var bar = new string('#', (int)(run.Progress * 30)).PadRight(30);
        return string.Create(CultureInfo.InvariantCulture,
            $"\r{run.RunId} [{bar}] {run.Progress * 100,3:F0}% {run.Scanned:N0} edges {run.EdgesPerSecond:N0} edges/s found {run.Found.Total} repaired {run.Repaired.Total}  ");
    }
}
