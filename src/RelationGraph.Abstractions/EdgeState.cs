namespace RelationGraph.Abstractions;

/// <summary>The state of one directed edge. A removed edge is kept as a tombstone so an older follow cannot resurrect it.</summary>
[GenerateSerializer, Alias("RelationGraph.EdgeState")]
public enum EdgeState : short
{
    /// <summary>Unfollowed (a tombstone).</summary>
    Removed = 0,

    /// <summary>Following.</summary>
    Active = 1,
}
