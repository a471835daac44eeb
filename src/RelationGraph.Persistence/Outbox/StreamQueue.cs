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
    /// <summary>The queue of <paramref name="key"/> among <paramref name="queues"/>: events of one stream stay in order.</summary>
    public static int QueueOf(long key, int queues) => VirtualShardHash.Of(key, queues);

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
