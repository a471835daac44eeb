using Npgsql;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.BulkImport;

public sealed partial class EdgeImporter
{
    private const string EdgeColumns = "(owner_id, direction, other_id, state, event_at)";

    // The batch holds each pair once (the runs keep the newest), so no row is touched twice. A pair naming a deleted user
    // is left out, as the service's own writes refuse it (every shard holds every deletion mark, so both copies agree).
    private const string MergeSql = """
        WITH merged AS (
            INSERT INTO edges AS e (owner_id, direction, other_id, state, event_at)
            SELECT owner_id, direction, other_id, 1, event_at FROM import_edges i
            WHERE NOT EXISTS (SELECT FROM erased_users d WHERE d.user_id IN (i.owner_id, i.other_id))
            ON CONFLICT (owner_id, direction, other_id) DO UPDATE SET state = 1, event_at = excluded.event_at, updated_at = now()
            WHERE e.state = 0 AND excluded.event_at > e.event_at
            RETURNING e.owner_id, e.direction),
        counted AS (
            INSERT INTO edge_counts AS c (owner_id, direction, count)
            SELECT owner_id, direction, count(*) FROM merged GROUP BY owner_id, direction
            ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + excluded.count)
        SELECT count(*) FILTER (WHERE direction = 1) FROM merged
        """;

    // Each index on edges that backs no constraint: how to drop it, and how to build it again exactly as it was (the
    // partitioned parent, then each partition's index attached to it).
    private const string SecondaryIndexesSql = """
        SELECT format('DROP INDEX %s', i.indexrelid::regclass),
               concat_ws('; ', pg_get_indexdef(i.indexrelid),
                   string_agg(format('%s; ALTER INDEX %s ATTACH PARTITION %s', pg_get_indexdef(c.inhrelid), i.indexrelid::regclass, c.inhrelid::regclass), '; '))
        FROM pg_index i LEFT JOIN pg_inherits c ON c.inhparent = i.indexrelid
        WHERE i.indrelid = 'edges'::regclass AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = i.indexrelid)
        GROUP BY i.indexrelid
        """;

    /// <summary>Writes one shard's rows; returns how many following rows became active and whether the shard was empty.</summary>
    private Task<(long NewFollows, bool Bulk)> LoadShardAsync(Shard shard, SortedEdgeRuns following, SortedEdgeRuns fans, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, token) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            return await LoadEmptyAsync(connection, following, fans, token) is { } loaded
                ? (loaded, true)
                : (await MergeAsync(connection, following, fans, token), false);
        }, cancellationToken);

    /// <summary>
    /// The fast path, for a shard with no edges: every row is new and active, so the sorted rows go by COPY straight into
    /// <c>following</c> and <c>fans</c> and the counts are runs of equal owners, all in one durable transaction. Null when
    /// the shard has data.
    /// </summary>
    private static async Task<long?> LoadEmptyAsync(NpgsqlConnection connection, SortedEdgeRuns following, SortedEdgeRuns fans, CancellationToken cancellationToken)
    {
        // A shard with data is told apart without a lock, so a live shard never waits on the check.
        if (!await IsEmptyAsync(connection, cancellationToken))
        {
            return null;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Nothing may slip in between the check and the COPY, and the secondary indexes are rebuilt inside: until the
        // load commits, the shard's edges wait (reads too, which on an empty shard would have found nothing).
        await ExecuteAsync(connection, "LOCK TABLE edges, edge_counts IN ACCESS EXCLUSIVE MODE", cancellationToken);
        if (!await IsEmptyAsync(connection, cancellationToken))
        {
            return null;
        }

        // The auditor's change log (Shard/090_change_log_per_statement.sql) would keep every copied row for its trigger
        // at the COPY's end and log them all: with a row trigger, a 10M-edge import timed out there. A load into an empty
        // shard writes both copies from one sorted list, so it leaves the log out, inside this transaction only; the
        // full scan still covers what it wrote.
        await ExecuteAsync(connection, "ALTER TABLE following DISABLE TRIGGER following_log_inserts; ALTER TABLE fans DISABLE TRIGGER fans_log_inserts", cancellationToken);

        // Built once from sorted rows, a secondary index costs less than kept up to date row by row during the COPY.
        var indexes = new List<(string Drop, string Build)>();
        await using (var secondary = new NpgsqlCommand(SecondaryIndexesSql, connection))
        await using (var reader = await secondary.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (drop, _) in indexes)
        {
            await ExecuteAsync(connection, drop, cancellationToken);
        }

        // Counts come out in key order while the edges stream; they wait in a file until the edges' COPY is done.
        await using var countFile = new FileStream(
            Path.Combine(Path.GetTempPath(), $"relgraph-import-{Guid.NewGuid():N}.counts"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var counts = new BinaryCopyWriter(countFile);
        var newFollows = await CopyAsync(connection, "following", EdgeDirection.Following, following, counts, cancellationToken);
        await CopyAsync(connection, "fans", EdgeDirection.Fans, fans, counts, cancellationToken);
        await counts.CompleteAsync(cancellationToken);
        countFile.Position = 0;
        await using (var copy = await connection.BeginRawBinaryCopyAsync("COPY edge_counts (owner_id, direction, count) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await countFile.CopyToAsync(copy, cancellationToken);
        }

        await ExecuteAsync(connection, "SET LOCAL maintenance_work_mem = '256MB'", cancellationToken);
        foreach (var (_, build) in indexes)
        {
            await ExecuteAsync(connection, build, cancellationToken);
        }

        await ExecuteAsync(connection, "ALTER TABLE following ENABLE TRIGGER following_log_inserts; ALTER TABLE fans ENABLE TRIGGER fans_log_inserts", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return newFollows;
    }

    private static async Task<long> CopyAsync(
        NpgsqlConnection connection, string table, EdgeDirection direction, SortedEdgeRuns runs, BinaryCopyWriter counts, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} {EdgeColumns} FROM STDIN (FORMAT BINARY)", cancellationToken);
        var writer = new BinaryCopyWriter(copy);
        long written = 0, owner = 0, count = 0;
        foreach (var row in runs.ReadDistinct())
        {
            if (row.Owner != owner && count > 0)
            {
                await counts.WriteCountAsync(owner, (short)direction, count, cancellationToken);
                count = 0;
            }

            (owner, count, written) = (row.Owner, count + 1, written + 1);
            await writer.WriteEdgeAsync((short)direction, row, cancellationToken);
        }

        if (count > 0)
        {
            await counts.WriteCountAsync(owner, (short)direction, count, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
        return written;
    }

    /// <summary>The path for a shard with data: batches through a temporary table, each merged and committed on its own.</summary>
    private async Task<long> MergeAsync(NpgsqlConnection connection, SortedEdgeRuns following, SortedEdgeRuns fans, CancellationToken cancellationToken)
    {
        using var rows = following.ReadDistinct().Select(row => (Direction: EdgeDirection.Following, Row: row))
            .Concat(fans.ReadDistinct().Select(row => (Direction: EdgeDirection.Fans, Row: row)))
            .GetEnumerator();
        var newFollows = 0L;
        var more = rows.MoveNext();
        while (more)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, "CREATE TEMP TABLE import_edges (owner_id bigint, direction smallint, other_id bigint, state smallint, event_at timestamptz) ON COMMIT DROP", cancellationToken);

            await using (var copy = await connection.BeginRawBinaryCopyAsync($"COPY import_edges {EdgeColumns} FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                var writer = new BinaryCopyWriter(copy);
                for (var n = 0; more && n < batchSize; n++, more = rows.MoveNext())
                {
                    await writer.WriteEdgeAsync((short)rows.Current.Direction, rows.Current.Row, cancellationToken);
                }

                await writer.CompleteAsync(cancellationToken);
            }

            await using (var merge = new NpgsqlCommand(MergeSql, connection))
            {
                newFollows += (long)(await merge.ExecuteScalarAsync(cancellationToken))!;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return newFollows;
    }

    private static async Task<bool> IsEmptyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A shard that has seen a deletion merges, so the rows of deleted users are left out.
        await using var isEmpty = new NpgsqlCommand(
            "SELECT NOT EXISTS (SELECT FROM edges) AND NOT EXISTS (SELECT FROM edge_counts) AND NOT EXISTS (SELECT FROM erased_users)", connection);
        return (bool)(await isEmpty.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
