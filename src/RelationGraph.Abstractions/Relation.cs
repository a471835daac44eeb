namespace RelationGraph.Abstractions;

/// <summary>How two users relate.</summary>
/// <param name="UserId">The first user.</param>
/// <param name="OtherId">The second user.</param>
/// <param name="Following">Whether <paramref name="UserId"/> follows <paramref name="OtherId"/>.</param>
/// <param name="FollowedBy">Whether <paramref name="OtherId"/> follows <paramref name="UserId"/>.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.Relation")]
public sealed record Relation([property: Id(0)] UserId UserId, [property: Id(1)] UserId OtherId, [property: Id(2)] bool Following, [property: Id(3)] bool FollowedBy)
{
    /// <summary>Whether both follow each other (friends).</summary>
    public bool Mutual => Following && FollowedBy;
}
