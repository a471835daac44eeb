using System.Diagnostics.Metrics;

namespace RelationGraph.Grains.Deletion;

/// <summary>Meter <c>RelationGraph.Deletion</c>: the deleted users' rows removed, and deletions finished.</summary>
public sealed class DeletionMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "RelationGraph.Deletion";

    private readonly Meter _meter;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _finished;

    /// <summary>Creates the instruments.</summary>
    public DeletionMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _rows = _meter.CreateCounter<long>("relationgraph.deletion.rows_removed", "{row}", "Rows of deleted users removed, each with the other user's copy.");
        _finished = _meter.CreateCounter<long>("relationgraph.deletion.finished", "{deletion}", "User deletions finished.");
    }

    /// <summary>Counts <paramref name="rows"/> of a deleted user removed by one step.</summary>
    public void RecordRemoved(long rows) => _rows.Add(rows);

    /// <summary>Counts a deletion finished.</summary>
    public void RecordFinished() => _finished.Add(1);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
