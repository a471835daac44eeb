using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>
/// One activation's event times: now, but always after its previous event and after the edge's stored event, so a write
/// wins last-writer-wins even when clocks differ between silos.
/// </summary>
internal sealed class EventClock(TimeProvider time)
{
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public DateTimeOffset Next(EdgeRecord? current)
    {
        var floor = current is null || current.EventAt < _last ? _last : current.EventAt;
        var now = EventTime.Truncate(time.GetUtcNow());
        _last = now > floor ? now : floor + EventTime.Resolution;
        return _last;
    }
}
