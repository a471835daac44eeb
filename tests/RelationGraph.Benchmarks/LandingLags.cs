using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RelationGraph.Grains;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Every fan copy landed by a silo in this process, as its fan grains measure it (<see cref="FanMetrics.LandingLag"/>:
/// follow event time to fan row written), in milliseconds.
/// </summary>
internal sealed class LandingLags : IDisposable
{
    private readonly ConcurrentQueue<double> _lags = new();
    private readonly MeterListener _listener = new();

    public LandingLags()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == FanMetrics.LandingLag)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _lags.Enqueue(value));
        _listener.Start();
    }

    /// <summary>Forgets the landings so far.</summary>
    public void Clear() => _lags.Clear();

    /// <summary>The landings since the last <see cref="Clear"/>, sorted.</summary>
    public List<double> Sorted() => _lags.Order().ToList();

    public void Dispose() => _listener.Dispose();
}
