using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.Audit;

/// <summary>
/// The auditor's reads and repairs on the shards: both copies in key order (keyset pages, never OFFSET), both copies of
/// given edges, counts against their rows, tombstone purges and the change log. Fan-row repairs are not here: they go
/// through the fan grain's own last-writer-wins apply.
/// </summary>
public sealed partial class AuditStore(ShardSet shards)
{
    /// <summary>The shards audited.</summary>
    public ShardSet Shards => shards;

    /// <summary>
    /// Up to <paramref name="limit"/> rows of <paramref name="direction"/> on <paramref name="shard"/> after
    /// <paramref name="after"/> in (follower, followee) order, with followers up to <paramref name="lastFollower"/>.
    /// </summary>
    public static Task<AuditRow[]> ReadInKeyOrderAsync(Shard shard, EdgeDirection direction, EdgePair after, long lastFollower, int limit, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(direction == EdgeDirection.Following
                ? """
                  SELECT owner_id, other_id, state, event_at FROM following
                  WHERE (owner_id, other_id) > ($1, $2) AND owner_id <= $3
                  ORDER BY owner_id, other_id LIMIT $4
                  """
                : """
                  SELECT other_id, owner_id, state, event_at FROM fans
                  WHERE (other_id, owner_id) > ($1, $2) AND other_id <= $3
                  ORDER BY other_id, owner_id LIMIT $4
                  """);
            command.Parameters.Add(new() { Value = after.Follower });
            command.Parameters.Add(new() { Value = after.Followee });
            command.Parameters.Add(new() { Value = lastFollower });
            command.Parameters.Add(new() { Value = limit });
            var rows = new List<AuditRow>(limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(ReadRow(reader));
            }

            return rows.ToArray();
        }, cancellationToken);

    /// <summary>The smallest and largest follower id in either copy on any shard; null when there are no edges.</summary>
    public async Task<(long First, long Last)?> FollowerRangeAsync(CancellationToken cancellationToken)
    {
        long? first = null, last = null;
        foreach (var shard in shards.All)
        {
            var (min, max) = await shard.RunAsync(async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand("""
                    SELECT least((SELECT min(owner_id) FROM following), (SELECT min(other_id) FROM fans)),
                           greatest((SELECT max(owner_id) FROM following), (SELECT max(other_id) FROM fans))
                    """);
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                return (reader.IsDBNull(0) ? (long?)null : reader.GetInt64(0), reader.IsDBNull(1) ? (long?)null : reader.GetInt64(1));
            }, cancellationToken);
            first = min is null ? first : Math.Min(first ?? long.MaxValue, min.Value);
            last = max is null ? last : Math.Max(last ?? long.MinValue, max.Value);
        }

        return first is { } f && last is { } l ? (f, l) : null;
    }

    /// <summary>The stored <paramref name="direction"/> copies of <paramref name="pairs"/>, read from each owner's shard.</summary>
    public async Task<Dictionary<EdgePair, AuditRow>> ReadPairsAsync(EdgeDirection direction, IReadOnlyCollection<EdgePair> pairs, CancellationToken cancellationToken)
    {
        var found = new Dictionary<EdgePair, AuditRow>(pairs.Count);
        var byShard = pairs.GroupBy(p => shards.For(new UserId(direction == EdgeDirection.Following ? p.Follower : p.Followee)));
        foreach (var group in byShard)
        {
            var rows = await group.Key.RunAsync(async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand(direction == EdgeDirection.Following
                    ? """
                      SELECT e.owner_id, e.other_id, e.state, e.event_at
                      FROM unnest($1::bigint[], $2::bigint[]) AS p(follower, followee)
                      JOIN following e ON e.owner_id = p.follower AND e.other_id = p.followee
                      """
                    : """
                      SELECT e.other_id, e.owner_id, e.state, e.event_at
                      FROM unnest($1::bigint[], $2::bigint[]) AS p(follower, followee)
                      JOIN fans e ON e.owner_id = p.followee AND e.other_id = p.follower
                      """);
                command.Parameters.Add(new() { Value = group.Select(p => p.Follower).ToArray() });
                command.Parameters.Add(new() { Value = group.Select(p => p.Followee).ToArray() });
                var list = new List<AuditRow>();
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    list.Add(ReadRow(reader));
                }

                return list;
            }, cancellationToken);
            foreach (var row in rows)
            {
                found[row.Pair] = row;
            }
        }

        return found;
    }

    /// <summary>
    /// Deletes the tombstones <paramref name="tombstones"/> (source rows) older than <paramref name="horizon"/> on both
    /// sides, fan copy first; a row that changed since it was read (a newer event) is kept. Returns the source rows deleted.
    /// </summary>
    public async Task<long> PurgeAsync(IReadOnlyCollection<EdgePair> tombstones, DateTimeOffset horizon, CancellationToken cancellationToken)
    {
        if (tombstones.Count == 0)
        {
            return 0;
        }

        foreach (var group in tombstones.GroupBy(p => shards.For(new UserId(p.Followee))))
        {
            await DeleteTombstonesAsync(group.Key, "DELETE FROM fans e USING unnest($1::bigint[], $2::bigint[]) AS p(follower, followee) WHERE e.owner_id = p.followee AND e.other_id = p.follower AND e.state = 0 AND e.event_at < $3", group, horizon, cancellationToken);
        }

        long purged = 0;
        foreach (var group in tombstones.GroupBy(p => shards.For(new UserId(p.Follower))))
        {
            purged += await DeleteTombstonesAsync(group.Key, "DELETE FROM following e USING unnest($1::bigint[], $2::bigint[]) AS p(follower, followee) WHERE e.owner_id = p.follower AND e.other_id = p.followee AND e.state = 0 AND e.event_at < $3", group, horizon, cancellationToken);
        }

        return purged;
    }

    private static Task<int> DeleteTombstonesAsync(Shard shard, string sql, IEnumerable<EdgePair> pairs, DateTimeOffset horizon, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            var list = pairs.ToList();
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new() { Value = list.Select(p => p.Follower).ToArray() });
            command.Parameters.Add(new() { Value = list.Select(p => p.Followee).ToArray() });
            command.Parameters.Add(new() { Value = horizon });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    private static AuditRow ReadRow(NpgsqlDataReader reader) =>
        new(new EdgePair(reader.GetInt64(0), reader.GetInt64(1)), (EdgeState)reader.GetInt16(2), reader.GetFieldValue<DateTime>(3).Ticks);
}
