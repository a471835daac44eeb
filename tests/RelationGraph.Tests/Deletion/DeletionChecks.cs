using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Testing;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Deletion;

/// <summary>What the deletion tests read back from the shards, and how they wait for a deletion.</summary>
internal static class DeletionChecks
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Everything any shard still holds that names <paramref name="user"/>: edge rows either way, counts, change-log rows.</summary>
    public static async Task<List<string>> TracesOfAsync(ShardSet shards, UserId user, CancellationToken cancellationToken)
    {
        var traces = new List<string>();
        foreach (var shard in shards.All)
        {
            foreach (var (what, sql) in new[]
            {
                ("edge rows", "SELECT count(*) FROM edges WHERE owner_id = $1 OR other_id = $1"),
                ("counts", "SELECT count(*) FROM edge_counts WHERE owner_id = $1"),
                ("change-log rows", "SELECT count(*) FROM edge_changes WHERE follower_id = $1 OR followee_id = $1"),
            })
            {
                if (await shard.ScalarAsync<long>(sql, cancellationToken, user.Value) is var n and > 0)
                {
                    traces.Add($"{n} {what} on shard {shard.Name}");
                }
            }
        }

        return traces;
    }

    /// <summary>Waits for <paramref name="user"/>'s deletion to finish, across the loss of its silo.</summary>
    public static async Task<UserDeletion> WaitForDeletionAsync(this TestCluster cluster, UserId user, CancellationToken cancellationToken) =>
        (await Eventually.ValueAsync(
            async _ =>
            {
                try
                {
                    return await cluster.Client.GetGrain<IUserDeletionGrain>(user.Value).GetAsync();
                }
                catch (Exception e) when (e is TimeoutException or Orleans.Runtime.SiloUnavailableException)
                {
                    return null;
                }
            },
            d => d is { State: UserDeletionState.Deleted }, Deadline, $"the deletion of user {user}", cancellationToken))!;
}
