using System.Globalization;
using Npgsql;

namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>
/// The PostgreSQL queue behind persistent streams: rows in <c>stream_events</c>, partitioned into numbered queues.
/// Producers append inside their own transaction (a transactional outbox); a pulling agent locks a batch of one
/// queue in sequence order (<c>FOR UPDATE SKIP LOCKED</c>), delivers it, and deletes it in the same transaction.
/// The deletion is the durable checkpoint: a crash before it commits unlocks the batch for redelivery, so
/// delivery is at least once, and an event that commits late is never skipped.
/// </summary>
public static class StreamQueue
{
    /// <summary>Creates the queue tables when missing.</summary>
    public static async Task EnsureSchemaAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT pg_advisory_xact_lock(4790201);
            CREATE TABLE IF NOT EXISTS stream_events (
                queue      integer NOT NULL,
                sequence   bigint GENERATED ALWAYS AS IDENTITY,
                namespace  text    NOT NULL,
                stream_key bigint  NOT NULL,
                payload    bytea   NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (queue, sequence));
            CREATE TABLE IF NOT EXISTS stream_dead_letters (
                queue      integer NOT NULL,
                sequence   bigint  NOT NULL,
                namespace  text    NOT NULL,
                stream_key bigint  NOT NULL,
                payload    bytea   NOT NULL,
                created_at timestamptz NOT NULL,
                failed_at  timestamptz NOT NULL DEFAULT now(),
                attempts   integer NOT NULL,
                error      text    NOT NULL,
                PRIMARY KEY (queue, sequence));
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The queue of <paramref name="key"/> among <paramref name="queues"/>: events of one stream stay in order.</summary>
    public static int QueueOf(long key, int queues) => (int)(StableHash.Of(key.ToString(CultureInfo.InvariantCulture)) % (ulong)queues);

    /// <summary>
    /// The command that appends <paramref name="streamEvents"/> in order, as one statement; add it to the batch or
    /// transaction of the writes that cause them.
    /// </summary>
    public static NpgsqlBatchCommand Append(IReadOnlyList<StreamEvent> streamEvents, int queues) =>
        new("INSERT INTO stream_events (queue, namespace, stream_key, payload) SELECT * FROM unnest($1::integer[], $2::text[], $3::bigint[], $4::bytea[])")
        {
            Parameters =
            {
                new() { Value = streamEvents.Select(e => QueueOf(e.Key, queues)).ToArray() },
                new() { Value = streamEvents.Select(e => e.Namespace).ToArray() },
                new() { Value = streamEvents.Select(e => e.Key).ToArray() },
                new() { Value = streamEvents.Select(e => e.Payload).ToArray() },
            },
        };

    /// <summary>Roughly how many events wait in <paramref name="queue"/> (the sequence span, which over-counts after redelivery gaps).</summary>
    public static async Task<long> EstimateDepthAsync(NpgsqlDataSource dataSource, int queue, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(sequence) - min(sequence) + 1, 0) FROM stream_events WHERE queue = $1");
        command.Parameters.Add(new() { Value = queue });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
