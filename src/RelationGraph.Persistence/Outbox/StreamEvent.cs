namespace RelationGraph.Persistence.Outbox;

/// <summary>An event for the stream <paramref name="Namespace"/>/<paramref name="Key"/>, serialized; delivered to the subscriber grain with that key.</summary>
/// <param name="Namespace">The stream namespace, which names the implicit subscriber.</param>
/// <param name="Key">The stream key: the subscriber grain's key.</param>
/// <param name="Payload">The event, serialized with Orleans' serializer.</param>
/// <param name="TraceParent">The W3C trace context of the write that caused it, so its delivery joins that trace.</param>
public sealed record StreamEvent(string Namespace, long Key, byte[] Payload, string? TraceParent = null);
