using Orleans.Concurrency;

namespace RelationGraph.Abstractions.Deletion;

/// <summary>
/// The deletion of one user, keyed by the user id: a job that marks the user deleted on every shard, removes every relation
/// of the user in both directions and both copies, in pages, and keeps its progress in grain storage. A reminder resumes it
/// on another silo when its own dies.
/// </summary>
[Alias("RelationGraph.IUserDeletionGrain")]
public interface IUserDeletionGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the deletion, or answers the one already started (idempotent).</summary>
    [Alias("DeleteAsync")]
    Task<UserDeletion> DeleteAsync();

    /// <summary>The deletion's progress; null when the user's deletion was never asked for.</summary>
    [AlwaysInterleave]
    [Alias("GetAsync")]
    Task<UserDeletion?> GetAsync();
}
