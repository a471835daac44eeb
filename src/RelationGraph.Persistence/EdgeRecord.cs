using RelationGraph.Abstractions;

namespace RelationGraph.Persistence;

/// <summary>The stored register of one edge: its state and the time of the event that set it.</summary>
public sealed record EdgeRecord(EdgeState State, DateTimeOffset EventAt);
