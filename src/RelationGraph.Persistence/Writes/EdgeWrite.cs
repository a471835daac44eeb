using RelationGraph.Abstractions;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Persistence.Writes;

/// <summary>
/// One edge event to apply on its owner's shard, with the stream event to commit alongside it, if any. An
/// <paramref name="Unread"/> write is applied only when it flips the edge with a newer event (<see cref="EdgeOutcome.Unapplied"/> otherwise).
/// </summary>
internal sealed record EdgeWrite(EdgeDirection Direction, UserId Owner, UserId Other, EdgeState State, DateTimeOffset EventAt, StreamEvent? Outbox, bool Unread = false);
