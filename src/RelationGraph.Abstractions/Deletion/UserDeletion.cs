namespace RelationGraph.Abstractions.Deletion;

/// <summary>A user's deletion and its progress.</summary>
/// <param name="UserId">The user deleted.</param>
/// <param name="State">Deleting or deleted.</param>
/// <param name="Removed">The user's rows removed so far (each with the other user's copy of the same relation).</param>
/// <param name="Total">The user's rows when the deletion started: follows, fans, friend asks both ways, friendship views and blocks, tombstones included.</param>
/// <param name="StartedAt">When the deletion was asked for.</param>
/// <param name="FinishedAt">When the last row was gone; null while deleting.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.UserDeletion")]
public sealed record UserDeletion(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] UserDeletionState State,
    [property: Id(2)] long Removed,
    [property: Id(3)] long Total,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt);
