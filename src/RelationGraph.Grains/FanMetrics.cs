using System.Diagnostics.Metrics;

namespace RelationGraph.Grains;

/// <summary>The fan side's instruments, on the meter <c>RelationGraph.Fans</c>; the same in every redundancy mode.</summary>
public sealed class FanMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "RelationGraph.Fans";

    /// <summary>The landing lag instrument's name.</summary>
    public const string LandingLag = "relationgraph.fans.landing_lag";

    private readonly Meter _meter;
    /// <summary>The instrument counting users moved into fan buckets.</summary>
    public const string MovedIntoBuckets = "relationgraph.fans.moved_into_buckets";

    private readonly Histogram<double> _landingLag;
    private readonly Counter<long> _movedIntoBuckets;

    /// <summary>Creates the instruments.</summary>
    public FanMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _landingLag = _meter.CreateHistogram<double>(LandingLag, "ms", "From a follow's event time (its commit) to its fan row being written.");
        _movedIntoBuckets = _meter.CreateCounter<long>(MovedIntoBuckets, "{user}", "Users whose fan copies this silo moved into bucket grains, past the fan threshold.");
    }

    /// <summary>Records a fan row written <paramref name="lag"/> after its follow.</summary>
    public void RecordLanding(TimeSpan lag) => _landingLag.Record(lag.TotalMilliseconds);

    /// <summary>Records a user moved into fan buckets.</summary>
    public void RecordMovedIntoBuckets() => _movedIntoBuckets.Add(1);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
