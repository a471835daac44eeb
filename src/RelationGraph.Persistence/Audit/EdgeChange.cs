namespace RelationGraph.Persistence.Audit;

/// <summary>One row of a shard's change log: an edge row written by transaction <paramref name="Xid"/>.</summary>
/// <param name="Xid">The writing transaction's id (xid8).</param>
/// <param name="Position">The row's number within the log.</param>
/// <param name="Pair">The edge.</param>
/// <param name="Direction">Which copy was written.</param>
/// <param name="ChangedAt">When the writing transaction started.</param>
public readonly record struct EdgeChange(long Xid, long Position, EdgePair Pair, EdgeDirection Direction, DateTimeOffset ChangedAt);
