namespace RelationGraph.Abstractions;

/// <summary>One entry of a following or fan list.</summary>
/// <param name="UserId">The other user.</param>
/// <param name="Since">When the follow happened (UTC).</param>
public sealed record Edge(UserId UserId, DateTimeOffset Since);
