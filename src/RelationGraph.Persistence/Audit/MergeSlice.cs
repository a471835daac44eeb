namespace RelationGraph.Persistence.Audit;

/// <summary>What a stretch of a full scan's merge saw.</summary>
/// <param name="Scanned">Edges compared (keys present in either copy).</param>
/// <param name="Candidates">Edges whose copies differed when read (to be confirmed by a fresh read before repair).</param>
/// <param name="Tombstones">Edges removed on both sides before the purge horizon.</param>
/// <param name="Last">The last key compared: everything up to it is done.</param>
/// <param name="Finished">Whether the segment is done.</param>
public sealed record MergeSlice(long Scanned, IReadOnlyList<EdgePair> Candidates, IReadOnlyList<EdgePair> Tombstones, EdgePair Last, bool Finished);
