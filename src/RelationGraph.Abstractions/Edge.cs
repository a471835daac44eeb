namespace RelationGraph.Abstractions;

/// <summary>One entry of a following or fan list.</summary>
/// <param name="UserId">The other user.</param>
/// <param name="Since">When the follow happened (UTC).</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.Edge")]
public sealed record Edge([property: Id(0)] UserId UserId, [property: Id(1)] DateTimeOffset Since);
