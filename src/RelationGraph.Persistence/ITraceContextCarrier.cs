namespace RelationGraph.Persistence;

/// <summary>Something delivered with an event (a stream token, say) that carries the trace context of the write that caused it.</summary>
public interface ITraceContextCarrier
{
    /// <summary>The W3C <c>traceparent</c>, or null when the event was written outside any trace.</summary>
    string? TraceParent { get; }
}
