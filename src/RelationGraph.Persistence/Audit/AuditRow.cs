using RelationGraph.Abstractions;

namespace RelationGraph.Persistence.Audit;

/// <summary>One copy of an edge as the auditor reads it: its key, state and event time (UTC ticks, microsecond precision).</summary>
public readonly record struct AuditRow(EdgePair Pair, EdgeState State, long EventTicks)
{
    /// <summary>The event time.</summary>
    public DateTimeOffset EventAt => new(EventTicks, TimeSpan.Zero);
}
