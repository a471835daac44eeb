namespace RelationGraph.Abstractions;

/// <summary>How many users a user follows and how many follow them.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Following">Users <paramref name="UserId"/> follows.</param>
/// <param name="Fans">Users following <paramref name="UserId"/>.</param>
public sealed record Counts(UserId UserId, long Following, long Fans);
