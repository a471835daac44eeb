using System.Collections.Concurrent;
using System.Diagnostics;

namespace RelationGraph.Tests.Social;

/// <summary>
/// Counts the statements Npgsql runs in this process (through its ActivitySource) whose text contains a marker, per
/// database, so a test can assert how many round trips an operation made to each shard.
/// </summary>
internal sealed class StatementCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<(string Database, string Statement)> _seen = new();

    public StatementCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _seen.Enqueue((Tag(activity, "db.namespace", "db.name"), Tag(activity, "db.query.text", "db.statement"))),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Statements containing <paramref name="marker"/> run on each of <paramref name="databases"/> so far.</summary>
    public Dictionary<string, int> Count(string marker, IEnumerable<string> databases) =>
        databases.ToDictionary(d => d, d => _seen.Count(s => s.Database == d && s.Statement.Contains(marker, StringComparison.Ordinal)));

    public void Clear() => _seen.Clear();

    public void Dispose() => _listener.Dispose();

    private static string Tag(Activity activity, params string[] names) =>
        names.Select(n => activity.GetTagItem(n) as string).FirstOrDefault(v => v is not null) ?? string.Empty;
}
