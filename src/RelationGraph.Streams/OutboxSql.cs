using Npgsql;
using NpgsqlTypes;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams;

/// <summary>The statements the provider runs on <c>stream_events</c> and <c>stream_dead_letters</c>.</summary>
internal static class OutboxSql
{
    /// <summary>
    /// Leases up to <c>$2</c> free rows of queue <c>$1</c> in sequence order for <c>$3</c> to owner <c>$4</c>, except rows of
    /// the streams <c>$5</c>. Rows another receiver is leasing at this moment are skipped, not waited for; rows whose lease
    /// lapsed are free again.
    /// </summary>
    private const string LeaseSql = """
        UPDATE stream_events AS e
        SET leased_until = now() + $3, lease_owner = $4, deliveries = e.deliveries + 1
        WHERE e.queue = $1 AND e.sequence IN (
            SELECT sequence FROM stream_events
            WHERE queue = $1 AND (leased_until IS NULL OR leased_until < now()) AND stream_key <> ALL($5)
            ORDER BY sequence LIMIT $2
            FOR UPDATE SKIP LOCKED)
        RETURNING e.sequence, e.namespace, e.stream_key, e.payload, e.created_at, e.deliveries, e.failures, e.traceparent
        """;

    private const string DeadLetterSql = """
        WITH moved AS (
            DELETE FROM stream_events
            WHERE queue = $1 AND sequence = ANY($2) AND ($3::uuid IS NULL OR lease_owner = $3::uuid)
            RETURNING queue, sequence, namespace, stream_key, payload, created_at, deliveries, traceparent)
        INSERT INTO stream_dead_letters (queue, sequence, namespace, stream_key, payload, created_at, attempts, error, traceparent)
        SELECT queue, sequence, namespace, stream_key, payload, created_at, deliveries, $4, traceparent FROM moved
        ON CONFLICT (queue, sequence) DO UPDATE
            SET payload = excluded.payload, failed_at = now(), attempts = excluded.attempts, error = excluded.error
        """;

    private const string ReplaySql = """
        WITH moved AS (
            DELETE FROM stream_dead_letters
            WHERE (queue, sequence) IN (
                SELECT queue, sequence FROM stream_dead_letters WHERE queue >= 0 ORDER BY queue, sequence LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING queue, sequence, namespace, stream_key, payload, created_at, traceparent)
        INSERT INTO stream_events (queue, namespace, stream_key, payload, created_at, traceparent)
        SELECT queue, namespace, stream_key, payload, created_at, traceparent FROM moved ORDER BY queue, sequence
        """;

    /// <summary>Leases up to <paramref name="limit"/> free rows of <paramref name="queue"/> for <paramref name="lease"/>, none of streams <paramref name="exceptStreams"/>.</summary>
    public static Task<List<LeasedRow>> LeaseAsync(Shard shard, int queue, int limit, TimeSpan lease, Guid owner, long[] exceptStreams, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var batch = Bookkeeping(dataSource, LeaseSql, queue, limit, lease, owner, exceptStreams);
            var rows = new List<LeasedRow>(limit);
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    rows.Add(new LeasedRow(
                        reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3),
                        reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
                }
            }

            // RETURNING does not keep the subquery's order.
            rows.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
            return rows;
        }, cancellationToken);

    /// <summary>Extends <paramref name="owner"/>'s lease on <paramref name="rows"/> to <paramref name="lease"/> from now.</summary>
    public static Task<int> RenewAsync(Shard shard, int queue, Guid owner, long[] rows, TimeSpan lease, CancellationToken cancellationToken) =>
        BookkeepAsync(shard, "UPDATE stream_events SET leased_until = now() + $4 WHERE queue = $1 AND lease_owner = $2 AND sequence = ANY($3)",
            cancellationToken, queue, owner, rows, lease);

    /// <summary>Deletes delivered <paramref name="rows"/>.</summary>
    public static Task<int> ConfirmAsync(Shard shard, int queue, long[] rows, CancellationToken cancellationToken) =>
        BookkeepAsync(shard, "DELETE FROM stream_events WHERE queue = $1 AND sequence = ANY($2)", cancellationToken, queue, rows);

    /// <summary>
    /// Moves into <paramref name="queue"/> the rows left in queues at or above <paramref name="queues"/> whose number leaves
    /// <paramref name="queue"/> modulo <paramref name="queues"/>: a deployment that had more queues per database appended
    /// them, and no receiver reads those queues any more. Returns how many moved.
    /// </summary>
    public static Task<int> AdoptAsync(Shard shard, int queue, int queues, CancellationToken cancellationToken) =>
        BookkeepAsync(shard, "UPDATE stream_events SET queue = $1 WHERE queue >= $2 AND queue % $2 = $1", cancellationToken, queue, queues);

    /// <summary>Releases every row of <paramref name="queue"/> that <paramref name="owner"/> holds.</summary>
    public static Task<int> ReleaseAsync(Shard shard, int queue, Guid owner, CancellationToken cancellationToken) =>
        BookkeepAsync(shard, "UPDATE stream_events SET leased_until = NULL, lease_owner = NULL WHERE queue = $1 AND lease_owner = $2",
            cancellationToken, queue, owner);

    /// <summary>Releases <paramref name="owner"/>'s <paramref name="rows"/> after a failed delivery, marked to be delivered again one by one.</summary>
    public static Task<int> ReleaseFailedAsync(Shard shard, int queue, long[] rows, Guid owner, CancellationToken cancellationToken) =>
        BookkeepAsync(shard, """
            UPDATE stream_events SET leased_until = NULL, lease_owner = NULL, failures = failures + 1
            WHERE queue = $1 AND sequence = ANY($2) AND lease_owner = $3
            """, cancellationToken, queue, rows, owner);

    /// <summary>
    /// Moves <paramref name="rows"/> to the dead letters with <paramref name="error"/>; only those <paramref name="owner"/> still
    /// holds, unless it is null. Returns how many moved.
    /// </summary>
    public static Task<int> DeadLetterAsync(Shard shard, int queue, long[] rows, Guid? owner, string error, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = Command(dataSource, DeadLetterSql, queue, rows);
            command.Parameters.Add(new NpgsqlParameter { Value = owner.HasValue ? owner.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = error });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>Moves up to <paramref name="limit"/> dead letters back into their queues, as new rows; returns how many moved.</summary>
    public static Task<int> ReplayAsync(Shard shard, int limit, CancellationToken cancellationToken) =>
        ExecuteAsync(shard, ReplaySql, cancellationToken, limit);

    private static Task<int> ExecuteAsync(Shard shard, string sql, CancellationToken cancellationToken, params object[] parameters) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = Command(dataSource, sql, parameters);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    // Leases, renewals, releases and deletes of delivered rows commit without waiting for their WAL to be flushed
    // (synchronous_commit off, for their own transaction only). Each is bookkeeping that a crash may undo harmlessly: a
    // lost lease or renewal frees rows that will be leased again, a lost release lets a lease lapse, and a lost delete
    // delivers its rows once more, which fan writes absorb (they are idempotent). Events themselves are appended in the
    // edge write's own, durable, transaction.
    private static NpgsqlBatch Bookkeeping(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        batch.BatchCommands.Add(command);
        return batch;
    }

    private static Task<int> BookkeepAsync(Shard shard, string sql, CancellationToken cancellationToken, params object[] parameters) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var batch = Bookkeeping(dataSource, sql, parameters);
            await batch.ExecuteNonQueryAsync(ct);
            return batch.BatchCommands[1].RecordsAffected;
        }, cancellationToken);

    private static NpgsqlCommand Command(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}

/// <summary>A row a receiver leased.</summary>
internal sealed record LeasedRow(long Sequence, string Namespace, long StreamKey, byte[] Payload, DateTimeOffset CreatedAt, int Deliveries, int Failures, string? TraceParent);
