namespace RelationGraph.Abstractions;

/// <summary>How two users relate.</summary>
/// <param name="UserId">The first user.</param>
/// <param name="OtherId">The second user.</param>
/// <param name="Following">Whether <paramref name="UserId"/> follows <paramref name="OtherId"/>.</param>
/// <param name="FollowedBy">Whether <paramref name="OtherId"/> follows <paramref name="UserId"/>.</param>
public sealed record Relation(UserId UserId, UserId OtherId, bool Following, bool FollowedBy)
{
    /// <summary>Whether both follow each other (friends).</summary>
    public bool Mutual => Following && FollowedBy;
}
