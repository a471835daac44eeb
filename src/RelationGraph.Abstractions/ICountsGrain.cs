using Orleans.Concurrency;

namespace RelationGraph.Abstractions;

/// <summary>
/// Reads users' counts straight from their shards, without activating their grains: a stateless worker (key 0), local to
/// whichever silo receives the call, so a crawl over millions of cold users costs one query each and no activations.
/// </summary>
[Alias("RelationGraph.ICountsGrain")]
public interface ICountsGrain : IGrainWithIntegerKey
{
    /// <summary>How many users <paramref name="user"/> follows, how many follow them, and their friends.</summary>
    /// <exception cref="Deletion.UserDeletedException">The user is deleted.</exception>
    [AlwaysInterleave]
    [Alias("GetCountsAsync")]
    Task<Counts> GetCountsAsync(UserId user);
}
