using System.Text.Json.Serialization;

namespace RelationGraph.Abstractions;

/// <summary>One page of a following or fan list, newest first.</summary>
/// <param name="Items">The entries of this page.</param>
/// <param name="NextCursor">The opaque cursor of the next page, or null on the last page.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.EdgePage")]
public sealed record EdgePage([property: Id(0)] IReadOnlyList<Edge> Items, [property: Id(1)] string? NextCursor)
{
    /// <summary>
    /// On a fan page from <see cref="IFanGrain"/>: how many <see cref="IFanBucketGrain"/>s also serve the user's fan pages,
    /// 0 while the user is not in buckets. Readers send the user's next reads to them (<see cref="FanBucketKey"/>). Not
    /// part of the REST API's pages.
    /// </summary>
    [Id(2), JsonIgnore]
    public int Buckets { get; init; }
}
