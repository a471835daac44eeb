using RelationGraph.Abstractions;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Persistence.Writes;

/// <summary>One edge event to apply on its owner's shard, with the stream event to commit alongside it, if any.</summary>
internal sealed record EdgeWrite(EdgeDirection Direction, UserId Owner, UserId Other, EdgeState State, DateTimeOffset EventAt, StreamEvent? Outbox);
