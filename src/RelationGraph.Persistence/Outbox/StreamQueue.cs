using Npgsql;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.Outbox;

/// <summary>
/// The transactional outbox behind the follow stream: rows in <c>stream_events</c> on each shard, partitioned into
/// numbered queues. Producers append inside their own transaction, so an event commits or fails with the write that
/// causes it; the stream provider's receivers own reading, confirming and dead-lettering.
/// </summary>
public static class StreamQueue
{
    // Odd and high-bit heavy (the golden ratio's), so part numbers land far apart before the key is mixed.
    private const long PartSpread = unchecked((long)0x9E3779B97F4A7C15UL);

    /// <summary>The queue of <paramref name="key"/> among <paramref name="queues"/>: events of one stream stay in order.</summary>
    public static int QueueOf(long key, int queues) => VirtualShardHash.Of(key, queues);

    /// <summary>
    /// The queue of stream <paramref name="namespace"/>/<paramref name="key"/>. A namespace <c>name/n</c> is part
    /// <c>n</c> of stream <c>name</c> of the same key (a celebrity's fan buckets), with a queue of its own, so the parts of
    /// one key spread over the queues instead of all waiting in one.
    /// </summary>
    public static int QueueOf(string @namespace, long key, int queues)
    {
        var slash = @namespace.LastIndexOf('/');
        return slash >= 0 && int.TryParse(@namespace.AsSpan(slash + 1), out var part)
            ? VirtualShardHash.Of(unchecked(key ^ (part * PartSpread)), queues)
            : QueueOf(key, queues);
    }

    /// <summary>The queue of <paramref name="streamEvent"/>'s stream.</summary>
    public static int QueueOf(StreamEvent streamEvent, int queues) => QueueOf(streamEvent.Namespace, streamEvent.Key, queues);

    /// <summary>
    /// The command that appends <paramref name="streamEvents"/> in order, as one statement; add it to the batch or
    /// transaction of the writes that cause them.
    /// </summary>
    public static NpgsqlBatchCommand Append(IReadOnlyList<StreamEvent> streamEvents, int queues) =>
        new("INSERT INTO stream_events (queue, namespace, stream_key, payload, traceparent) SELECT * FROM unnest($1::integer[], $2::text[], $3::bigint[], $4::bytea[], $5::text[])")
        {
            Parameters =
            {
                new() { Value = streamEvents.Select(e => QueueOf(e, queues)).ToArray() },
                new() { Value = streamEvents.Select(e => e.Namespace).ToArray() },
                new() { Value = streamEvents.Select(e => e.Key).ToArray() },
                new() { Value = streamEvents.Select(e => e.Payload).ToArray() },
                new() { Value = streamEvents.Select(e => e.TraceParent).ToArray() },
            },
        };

    /// <summary>Roughly how many events wait in <paramref name="queue"/> (the sequence span, which over-counts after redelivery gaps).</summary>
    public static Task<long> EstimateDepthAsync(NpgsqlDataSource dataSource, int queue, CancellationToken cancellationToken) =>
        EstimateDepthAsync(dataSource, queue, long.MaxValue, cancellationToken);

    /// <summary>
    /// How many events wait in <paramref name="queue"/>, waiting to be read or read and not yet confirmed. Cheap when the
    /// queue is short: the sequence span, which over-counts when events leave out of order (a slow or failing one holds
    /// the span open while later ones are confirmed). A span over <paramref name="countUpTo"/> is checked by counting, up
    /// to <paramref name="countUpTo"/> + 1, so a queue reported deeper than that really is.
    /// </summary>
    public static async Task<long> EstimateDepthAsync(NpgsqlDataSource dataSource, int queue, long countUpTo, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT CASE WHEN span.n <= $2 THEN span.n
                        ELSE (SELECT count(*) FROM (SELECT 1 FROM stream_events WHERE queue = $1 LIMIT $2 + 1) AS capped) END
            FROM (SELECT coalesce(max(sequence) - min(sequence) + 1, 0) AS n FROM stream_events WHERE queue = $1) AS span
            """);
        command.Parameters.Add(new() { Value = queue });
        command.Parameters.Add(new() { Value = Math.Min(countUpTo, long.MaxValue - 1) });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
