namespace RelationGraph.Abstractions;

/// <summary>One page of a following or fan list, newest first.</summary>
/// <param name="Items">The entries of this page.</param>
/// <param name="NextCursor">The opaque cursor of the next page, or null on the last page.</param>
public sealed record EdgePage(IReadOnlyList<Edge> Items, string? NextCursor);
