namespace RelationGraph.Abstractions.Deletion;

/// <summary>Where a user's deletion stands.</summary>
public enum UserDeletionState
{
    /// <summary>The erasure is running: the user's relations are being removed.</summary>
    Deleting,

    /// <summary>Every row of the user is gone, from every shard.</summary>
    Deleted,
}
