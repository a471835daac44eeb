namespace RelationGraph.Abstractions;

/// <summary>How one user relates to each of several others, in the order asked.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Items">One relation per other user.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.RelationSet")]
public sealed record RelationSet([property: Id(0)] UserId UserId, [property: Id(1)] IReadOnlyList<Relation> Items);
