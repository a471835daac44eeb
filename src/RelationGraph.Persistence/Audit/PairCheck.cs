using RelationGraph.Abstractions;

namespace RelationGraph.Persistence.Audit;

/// <summary>How the two copies of one edge compare, and the last-writer-wins event that makes the fan copy agree.</summary>
public static class PairCheck
{
    /// <summary>The divergence between <paramref name="source"/> (<c>following</c>) and <paramref name="fan"/>; null when they agree.</summary>
    public static Divergence? Classify(AuditRow? source, AuditRow? fan)
    {
        if (source is { State: EdgeState.Active } s)
        {
            if (fan is not { State: EdgeState.Active } f)
            {
                return Divergence.MissingFan;
            }

            return f.EventTicks < s.EventTicks ? Divergence.StaleFan : null;
        }

        if (fan is { State: EdgeState.Active })
        {
            return Divergence.OrphanFan;
        }

        // Two tombstones: only an older fan tombstone differs (a missing one reads the same as a tombstone).
        return source is { } removed && fan is { } old && old.EventTicks < removed.EventTicks ? Divergence.StaleFan : null;
    }

    /// <summary>
    /// The event to apply to the fan copy, through the same idempotent last-writer-wins write the stream uses: the source
    /// row's state and time. Where the fan copy carries a newer time than the source (it cannot have come from the source,
    /// so it is damage, not replication in flight), the event takes the fan's time, plus a tick when a follow must beat a
    /// removal; a fan row without any source row is removed at its own time (a removal wins the tie).
    /// </summary>
    public static (EdgeState State, DateTimeOffset EventAt) Fix(AuditRow? source, AuditRow fanOrDefault, bool fanExists)
    {
        if (source is not { } s)
        {
            return (EdgeState.Removed, fanOrDefault.EventAt);
        }

        if (fanExists && fanOrDefault.EventTicks >= s.EventTicks && fanOrDefault.State != s.State)
        {
            var at = fanOrDefault.EventAt;
            return (s.State, s.State == EdgeState.Active ? at + EventTime.Resolution : at);
        }

        return (s.State, s.EventAt);
    }
}
