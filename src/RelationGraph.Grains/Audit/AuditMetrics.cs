using System.Diagnostics.Metrics;
using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>Meter <c>RelationGraph.Audit</c>: edges scanned, divergences found and repaired, by check and kind.</summary>
public sealed class AuditMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "RelationGraph.Audit";

    private readonly Meter _meter;
    private readonly Counter<long> _scanned;
    private readonly Counter<long> _found;
    private readonly Counter<long> _repaired;

    /// <summary>Creates the instruments.</summary>
    public AuditMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _scanned = _meter.CreateCounter<long>("relationgraph.audit.scanned", "{edge}", "Edges compared by an audit check.");
        _found = _meter.CreateCounter<long>("relationgraph.audit.found", "{divergence}", "Divergences found, by check and kind.");
        _repaired = _meter.CreateCounter<long>("relationgraph.audit.repaired", "{divergence}", "Divergences repaired, by check and kind.");
    }

    /// <summary>Records the work of one step of check <paramref name="check"/> (full, incremental, realtime).</summary>
    public void Record(string check, long scanned, AuditCounts found, AuditCounts repaired)
    {
        var checkTag = new KeyValuePair<string, object?>("check", check);
        _scanned.Add(scanned, checkTag);
        Add(_found, checkTag, found);
        Add(_repaired, checkTag, repaired);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static void Add(Counter<long> counter, KeyValuePair<string, object?> check, AuditCounts counts)
    {
        foreach (var (kind, value) in new[] { ("missingFan", counts.MissingFan), ("orphanFan", counts.OrphanFan), ("staleFan", counts.StaleFan), ("countDrift", counts.CountDrift) })
        {
            if (value > 0)
            {
                counter.Add(value, check, new KeyValuePair<string, object?>("kind", kind));
            }
        }
    }
}
