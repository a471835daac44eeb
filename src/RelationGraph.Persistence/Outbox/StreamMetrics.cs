using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace RelationGraph.Persistence.Outbox;

/// <summary>The streams' instruments, on the meter <c>RelationGraph.Streams</c>.</summary>
public sealed class StreamMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "RelationGraph.Streams";

    private readonly Meter _meter;
    private readonly Counter<long> _appended;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _redelivered;
    private readonly Counter<long> _deadLettered;
    private readonly Histogram<double> _deliveryLag;
    private readonly ConcurrentDictionary<(string Database, int Queue), long> _depths = new();

    /// <summary>Creates the instruments.</summary>
    public StreamMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _appended = _meter.CreateCounter<long>("relationgraph.streams.appended", description: "Events appended to stream queues.");
        _delivered = _meter.CreateCounter<long>("relationgraph.streams.delivered", description: "Events delivered to subscriber grains.");
        _redelivered = _meter.CreateCounter<long>("relationgraph.streams.redelivered", description: "Deliveries retried after a failure.");
        _deadLettered = _meter.CreateCounter<long>("relationgraph.streams.dead_lettered", description: "Events moved to the dead-letter table.");
        _deliveryLag = _meter.CreateHistogram<double>("relationgraph.streams.delivery_lag", "ms", "From an event's append to its delivery to the subscriber.");
        _meter.CreateObservableGauge("relationgraph.streams.queue_depth", () =>
            _depths.Select(d => new Measurement<long>(d.Value, new("database", d.Key.Database), new("queue", d.Key.Queue))), description: "Events waiting per queue.");
    }

    private long _deliveredTotal;
    private long _deadLetteredTotal;

    /// <summary>Events delivered so far by this silo.</summary>
    public long DeliveredTotal => Interlocked.Read(ref _deliveredTotal);

    /// <summary>Events dead-lettered so far by this silo.</summary>
    public long DeadLetteredTotal => Interlocked.Read(ref _deadLetteredTotal);

    /// <summary>Counts appended events.</summary>
    public void RecordAppended(long count = 1) => _appended.Add(count);

    /// <summary>Counts an event confirmed delivered, <paramref name="deliveryLag"/> after it was appended.</summary>
    public void RecordDelivered(TimeSpan deliveryLag)
    {
        _delivered.Add(1);
        Interlocked.Increment(ref _deliveredTotal);
        _deliveryLag.Record(deliveryLag.TotalMilliseconds);
    }

    /// <summary>Counts deliveries tried again: a retried call of a subscriber, or events read again after a lapsed or released lease.</summary>
    public void RecordRedelivered(long count = 1) => _redelivered.Add(count);

    /// <summary>Counts events moved to the dead-letter table.</summary>
    public void RecordDeadLettered(long count = 1)
    {
        _deadLettered.Add(count);
        Interlocked.Add(ref _deadLetteredTotal, count);
    }

    /// <summary>Records how many events wait in <paramref name="queue"/> of <paramref name="database"/>.</summary>
    public void RecordDepth(string database, int queue, long depth) => _depths[(database, queue)] = depth;

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
