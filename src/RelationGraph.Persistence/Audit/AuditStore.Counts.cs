using RelationGraph.Abstractions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.Audit;

public sealed partial class AuditStore
{
    /// <summary>
    /// Compares the stored <paramref name="direction"/> counts of the owners on <paramref name="shard"/> after
    /// <paramref name="after"/> (at most <paramref name="owners"/> count rows' worth, and up to <paramref name="last"/>)
    /// with their active rows, in one snapshot. Returns the drifted counts and the last owner covered.
    /// </summary>
    public static Task<(IReadOnlyList<CountDrift> Drifts, long CoveredUpTo)> FindCountDriftAsync(
        Shard shard, EdgeDirection direction, long after, long last, int owners, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            long upTo;
            await using (var bound = dataSource.CreateCommand("""
                SELECT CASE WHEN count(*) < $4 THEN $3 ELSE max(owner_id) END
                FROM (SELECT owner_id FROM edge_counts WHERE direction = $1 AND owner_id > $2 AND owner_id <= $3 ORDER BY owner_id LIMIT $4) AS chunk
                """))
            {
                bound.Parameters.Add(new() { Value = (short)direction });
                bound.Parameters.Add(new() { Value = after });
                bound.Parameters.Add(new() { Value = last });
                bound.Parameters.Add(new() { Value = owners });
                upTo = (long)(await bound.ExecuteScalarAsync(ct))!;
            }

            await using var command = dataSource.CreateCommand($"""
                WITH actual AS (
                    SELECT owner_id, count(*) FILTER (WHERE state = 1) AS n FROM {Table(direction)}
                    WHERE owner_id > $2 AND owner_id <= $3 GROUP BY owner_id),
                stored AS (
                    SELECT owner_id, count FROM edge_counts WHERE direction = $1 AND owner_id > $2 AND owner_id <= $3)
                SELECT coalesce(a.owner_id, s.owner_id), s.count, coalesce(a.n, 0)
                FROM actual a FULL JOIN stored s ON s.owner_id = a.owner_id
                WHERE coalesce(a.n, 0) <> coalesce(s.count, 0)
                """);
            command.Parameters.Add(new() { Value = (short)direction });
            command.Parameters.Add(new() { Value = after });
            command.Parameters.Add(new() { Value = upTo });
            return ((IReadOnlyList<CountDrift>)await ReadDriftsAsync(command, direction, ct), upTo);
        }, cancellationToken);

    /// <summary>The drifted <paramref name="direction"/> counts among <paramref name="owners"/>, each read with its rows in one snapshot per shard.</summary>
    public async Task<IReadOnlyList<CountDrift>> FindCountDriftOfAsync(EdgeDirection direction, IEnumerable<long> owners, CancellationToken cancellationToken)
    {
        var drifts = new List<CountDrift>();
        foreach (var group in owners.Distinct().GroupBy(o => shards.For(new UserId(o))))
        {
            drifts.AddRange(await group.Key.RunAsync(async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand($"""
                    SELECT o.owner_id, c.count, a.n
                    FROM unnest($2::bigint[]) AS o(owner_id)
                    LEFT JOIN edge_counts c ON c.owner_id = o.owner_id AND c.direction = $1
                    CROSS JOIN LATERAL (SELECT count(*) AS n FROM {Table(direction)} e WHERE e.owner_id = o.owner_id AND e.state = 1) AS a
                    WHERE a.n <> coalesce(c.count, 0)
                    """);
                command.Parameters.Add(new() { Value = (short)direction });
                command.Parameters.Add(new() { Value = group.ToArray() });
                return await ReadDriftsAsync(command, direction, ct);
            }, cancellationToken));
        }

        return drifts;
    }

    /// <summary>
    /// Sets <paramref name="drift"/>'s count to its number of active rows; true when it changed. The count row is locked
    /// first and the rows counted in a later statement (a fresh snapshot), so an edge write racing the repair either
    /// committed before the count (and is counted) or adds its own change after it: the result is exact either way.
    /// </summary>
    public Task<bool> RecountAsync(CountDrift drift, CancellationToken cancellationToken) =>
        shards.For(new UserId(drift.Owner)).RunAsync(async (dataSource, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var lockRow = new Npgsql.NpgsqlCommand("""
                INSERT INTO edge_counts AS c (owner_id, direction, count) VALUES ($1, $2, 0)
                ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count
                """, connection, transaction))
            {
                lockRow.Parameters.Add(new() { Value = drift.Owner });
                lockRow.Parameters.Add(new() { Value = (short)drift.Direction });
                await lockRow.ExecuteNonQueryAsync(ct);
            }

            int changed;
            await using (var recount = new Npgsql.NpgsqlCommand($"""
                UPDATE edge_counts c SET count = a.n
                FROM (SELECT count(*) AS n FROM {Table(drift.Direction)} WHERE owner_id = $1 AND state = 1) AS a
                WHERE c.owner_id = $1 AND c.direction = $2 AND c.count <> a.n
                """, connection, transaction))
            {
                recount.Parameters.Add(new() { Value = drift.Owner });
                recount.Parameters.Add(new() { Value = (short)drift.Direction });
                changed = await recount.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return changed > 0;
        }, cancellationToken);

    private static async Task<List<CountDrift>> ReadDriftsAsync(Npgsql.NpgsqlCommand command, EdgeDirection direction, CancellationToken cancellationToken)
    {
        var drifts = new List<CountDrift>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            drifts.Add(new CountDrift(reader.GetInt64(0), direction, reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt64(2)));
        }

        return drifts;
    }

    private static string Table(EdgeDirection direction) => direction == EdgeDirection.Following ? "following" : "fans";
}
