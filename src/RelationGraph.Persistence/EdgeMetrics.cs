using System.Diagnostics.Metrics;

namespace RelationGraph.Persistence;

/// <summary>The storage's instruments, on the meter <c>RelationGraph.Edges</c>.</summary>
public sealed class EdgeMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "RelationGraph.Edges";

    private readonly Meter _meter;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _shardErrors;
    private readonly Histogram<long> _batchSizes;

    /// <summary>Creates the instruments.</summary>
    public EdgeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _writes = _meter.CreateCounter<long>("relationgraph.edges.writes", "{write}", "Edge events committed, by direction and whether they changed the edge.");
        _shardErrors = _meter.CreateCounter<long>("relationgraph.shards.errors", "{error}", "Operations that failed because their shard was unavailable.");
        _batchSizes = _meter.CreateHistogram<long>(
            "relationgraph.edges.commit_batch_size", "{write}", "Edge writes committed together by one group commit.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
    }

    /// <summary>Counts committed edge events of <paramref name="direction"/>.</summary>
    public void RecordWrites(EdgeDirection direction, long changed, long unchanged)
    {
        var name = direction.ToString().ToLowerInvariant();
        if (changed > 0)
        {
            _writes.Add(changed, new("direction", name), new("changed", true));
        }

        if (unchanged > 0)
        {
            _writes.Add(unchanged, new("direction", name), new("changed", false));
        }
    }

    /// <summary>Records one group commit of <paramref name="writes"/> edge writes.</summary>
    public void RecordCommit(int writes) => _batchSizes.Record(writes);

    /// <summary>Counts a failure of shard <paramref name="shard"/>.</summary>
    public void RecordShardError(string shard) => _shardErrors.Add(1, new KeyValuePair<string, object?>("shard", shard));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
