using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Social;

/// <summary>What the social tests read from a cluster's shards: rows of the pair, and whether the reverse-copy feed has caught up.</summary>
internal static class SocialCluster
{
    /// <summary>The follow and ask rows between two users, all four copies, that are active.</summary>
    public static async Task<List<string>> ActiveLinksAsync(this EdgeStore store, UserId a, UserId b, CancellationToken cancellationToken)
    {
        var active = new List<string>();
        foreach (var (owner, other) in new[] { (a, b), (b, a) })
        {
            foreach (var direction in new[] { EdgeDirection.Following, EdgeDirection.Fans, EdgeDirection.FriendAsks, EdgeDirection.FriendAsked })
            {
                if ((await store.GetAsync(direction, owner, other, cancellationToken))?.State == EdgeState.Active)
                {
                    active.Add($"{direction} of {owner} -> {other}");
                }
            }
        }

        return active;
    }

    /// <summary>
    /// Whether every reverse-copy event committed so far has been delivered: no outbox row waits (Stream), and every
    /// replication slot has confirmed the WAL position <paramref name="walPositions"/> recorded per shard (Cdc).
    /// </summary>
    public static async Task<bool> CaughtUpAsync(ShardSet shards, string mode, IReadOnlyDictionary<Shard, string>? walPositions, CancellationToken cancellationToken)
    {
        foreach (var shard in shards.All)
        {
            var caughtUp = mode switch
            {
                "Stream" => await shard.ScalarAsync<long>("SELECT count(*) FROM stream_events", cancellationToken) == 0,
                "Cdc" => await shard.ScalarAsync<bool>(
                    "SELECT coalesce(bool_and(confirmed_flush_lsn >= $1::pg_lsn), false) FROM pg_replication_slots WHERE database = current_database()",
                    cancellationToken, walPositions![shard]),
                _ => true,
            };
            if (!caughtUp)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Each shard's current WAL position, to wait for with <see cref="CaughtUpAsync"/>.</summary>
    public static async Task<Dictionary<Shard, string>> WalPositionsAsync(ShardSet shards, CancellationToken cancellationToken)
    {
        var positions = new Dictionary<Shard, string>();
        foreach (var shard in shards.All)
        {
            positions[shard] = await shard.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text", cancellationToken);
        }

        return positions;
    }
}
