using System.Diagnostics;

namespace RelationGraph.Persistence;

/// <summary>
/// RelationGraph's spans, on the activity source <c>RelationGraph</c>: a follow is one trace from the API call through
/// the following grain, its shard write, the stream event (whose outbox row carries the trace context) to the fan grain's write.
/// </summary>
public static class RelationGraphTracing
{
    /// <summary>The activity source name, for <c>AddSource</c>.</summary>
    public const string SourceName = "RelationGraph";

    /// <summary>The source every RelationGraph span starts from.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// The prefix of the logical replication message (<c>pg_logical_emit_message</c>) that carries a follow's trace context
    /// to the Cdc feed, which has only the row otherwise: <c>owner:other:traceparent</c>.
    /// </summary>
    public const string WalMessagePrefix = "relationgraph.traceparent";

    /// <summary>The request-context key under which a stream batch hands its events' trace contexts to the subscriber, in event order.</summary>
    public const string BatchTraceParentsKey = "relationgraph.traceparents";

    /// <summary>The W3C <c>traceparent</c> of the current span, or null outside one: what an outbox row stores.</summary>
    public static string? CurrentTraceParent => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>Parses a stored <c>traceparent</c>; default when it is null or malformed, so a span starts a trace of its own.</summary>
    public static ActivityContext ParseTraceParent(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
}
