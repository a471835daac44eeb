namespace RelationGraph.Abstractions;

/// <summary>One page of a following or fan list, newest first.</summary>
/// <param name="Items">The entries of this page.</param>
/// <param name="NextCursor">The opaque cursor of the next page, or null on the last page.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.EdgePage")]
public sealed record EdgePage([property: Id(0)] IReadOnlyList<Edge> Items, [property: Id(1)] string? NextCursor);
