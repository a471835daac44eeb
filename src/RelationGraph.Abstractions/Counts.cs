namespace RelationGraph.Abstractions;

/// <summary>How many users a user follows, how many follow them, and how many friends they have.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Following">Users <paramref name="UserId"/> follows.</param>
/// <param name="Fans">Users following <paramref name="UserId"/>.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.Counts")]
public sealed record Counts([property: Id(0)] UserId UserId, [property: Id(1)] long Following, [property: Id(2)] long Fans)
{
    /// <summary>How many friends <see cref="UserId"/> has.</summary>
    [Id(3)]
    public long Friends { get; init; }
}
