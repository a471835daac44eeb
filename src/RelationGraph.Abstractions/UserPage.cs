namespace RelationGraph.Abstractions;

/// <summary>
/// One page of a set query, in ascending user id. A page may hold fewer than the limit (even none) and still have a
/// <see cref="NextCursor"/>: each page does bounded work, and the cursor resumes where it stopped.
/// </summary>
/// <param name="Items">The users of this page.</param>
/// <param name="NextCursor">The opaque cursor of the next page, or null when the query is done.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.UserPage")]
public sealed record UserPage([property: Id(0)] IReadOnlyList<UserItem> Items, [property: Id(1)] string? NextCursor);
