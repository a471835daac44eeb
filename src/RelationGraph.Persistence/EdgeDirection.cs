namespace RelationGraph.Persistence;

/// <summary>Which copy of an edge a row is: the owner's following list or the owner's fan list.</summary>
public enum EdgeDirection : short
{
    /// <summary>The owner follows the other user (the source of truth, on the follower's shard).</summary>
    Following = 1,

    /// <summary>The other user follows the owner (derived, on the followee's shard).</summary>
    Fans = 2,
}
