namespace RelationGraph.Persistence.Audit;

/// <summary>A stored count that differs from the number of active rows, as read in one snapshot.</summary>
/// <param name="Owner">The user whose count it is.</param>
/// <param name="Direction">Following or fans.</param>
/// <param name="Stored">The stored count (null: no count row).</param>
/// <param name="Actual">The number of active rows.</param>
public sealed record CountDrift(long Owner, EdgeDirection Direction, long? Stored, long Actual);
