using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.Audit;

public sealed partial class AuditStore
{
    /// <summary>
    /// The change position below which <paramref name="shard"/>'s log is final: the oldest transaction still running
    /// (<c>pg_snapshot_xmin</c>). Every transaction with a smaller id has committed or aborted, so every change it made is
    /// visible now or never will be.
    /// </summary>
    public static Task<long> StablePositionAsync(Shard shard, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> changes logged on <paramref name="shard"/> by transactions in [<paramref name="from"/>,
    /// <paramref name="below"/>), after (<paramref name="afterXid"/>, <paramref name="afterPosition"/>), in that order;
    /// only source-side changes when <paramref name="followingOnly"/>.
    /// </summary>
    public static Task<EdgeChange[]> ReadChangesAsync(
        Shard shard, long from, long below, long afterXid, long afterPosition, int limit, bool followingOnly, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand($"""
                SELECT xid::text::bigint, position, follower_id, followee_id, direction, changed_at FROM edge_changes
                WHERE xid >= $1::text::xid8 AND xid < $2::text::xid8 AND (xid, position) > ($3::text::xid8, $4)
                {(followingOnly ? "AND direction = 1" : "")}
                ORDER BY xid, position LIMIT $5
                """);
            command.Parameters.Add(new() { Value = from.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            command.Parameters.Add(new() { Value = below.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            command.Parameters.Add(new() { Value = afterXid.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            command.Parameters.Add(new() { Value = afterPosition });
            command.Parameters.Add(new() { Value = limit });
            var changes = new List<EdgeChange>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                changes.Add(new EdgeChange(
                    reader.GetInt64(0), reader.GetInt64(1), new EdgePair(reader.GetInt64(2), reader.GetInt64(3)),
                    (EdgeDirection)reader.GetInt16(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }

            return changes.ToArray();
        }, cancellationToken);

    /// <summary>Deletes <paramref name="shard"/>'s changes of transactions below <paramref name="below"/>: checked, no longer needed.</summary>
    public static Task<int> TrimChangesAsync(Shard shard, long below, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM edge_changes WHERE xid < $1::text::xid8");
            command.Parameters.Add(new() { Value = below.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>Which of <paramref name="users"/> have at least <paramref name="threshold"/> fans.</summary>
    public async Task<HashSet<long>> WithFansAtLeastAsync(IEnumerable<long> users, long threshold, CancellationToken cancellationToken)
    {
        var hot = new HashSet<long>();
        foreach (var group in users.Distinct().GroupBy(u => shards.For(new Abstractions.UserId(u))))
        {
            var found = await group.Key.RunAsync(async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand("SELECT owner_id FROM edge_counts WHERE direction = 2 AND owner_id = ANY($1) AND count >= $2");
                command.Parameters.Add(new() { Value = group.ToArray() });
                command.Parameters.Add(new() { Value = threshold });
                var list = new List<long>();
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    list.Add(reader.GetInt64(0));
                }

                return list;
            }, cancellationToken);
            hot.UnionWith(found);
        }

        return hot;
    }
}
