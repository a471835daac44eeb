namespace RelationGraph.Abstractions;

/// <summary>One user in the answer of a set query.</summary>
/// <param name="UserId">The user.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.UserItem")]
public sealed record UserItem([property: Id(0)] UserId UserId);
