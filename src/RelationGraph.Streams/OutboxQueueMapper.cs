using System.Buffers.Text;
using Orleans.Runtime;
using Orleans.Streams;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams;

/// <summary>
/// The outbox queues as Orleans queues: one <see cref="QueueId"/> per shard and queue number (shards ×
/// <see cref="StreamOptions.QueuesPerDatabase"/>), which Orleans' lease-based balancer divides among the silos
/// (<see cref="StreamQueueBalancing"/>).
/// </summary>
public sealed class OutboxQueueMapper : IStreamQueueMapper
{
    private readonly ShardSet _shards;
    private readonly int _queuesPerDatabase;
    private readonly QueueId[] _queues;

    /// <summary>Creates the mapper for provider <paramref name="providerName"/>; the shard set must have started.</summary>
    public OutboxQueueMapper(string providerName, ShardSet shards, int queuesPerDatabase)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        ArgumentOutOfRangeException.ThrowIfLessThan(queuesPerDatabase, 1);
        _shards = shards;
        _queuesPerDatabase = queuesPerDatabase;
        var total = checked(shards.All.Count * queuesPerDatabase);
        _queues = new QueueId[total];
        for (var i = 0; i < total; i++)
        {
            // Evenly spaced hash codes, as Orleans' HashRingBasedStreamQueueMapper gives its queues.
            _queues[i] = QueueId.GetQueueId(providerName, (uint)i, (uint)((ulong)i * (1UL << 32) / (ulong)total));
        }
    }

    /// <summary>The shard and queue number of <paramref name="queueId"/>.</summary>
    public OutboxQueue Decode(QueueId queueId)
    {
        var id = (int)queueId.GetNumericId();
        if (id >= _queues.Length || _queues[id] != queueId)
        {
            throw new ArgumentException($"Queue {queueId} is not one of this provider's {_queues.Length} outbox queues.", nameof(queueId));
        }

        return new OutboxQueue(id / _queuesPerDatabase, id % _queuesPerDatabase);
    }

    /// <summary>The Orleans queue of <paramref name="queue"/>.</summary>
    public QueueId QueueIdOf(OutboxQueue queue) => _queues[(queue.ShardId * _queuesPerDatabase) + queue.Number];

    /// <inheritdoc />
    public IEnumerable<QueueId> GetAllQueues() => _queues;

    /// <summary>
    /// The queue events of <paramref name="streamId"/> are appended to through the Orleans stream API: on the shard of the
    /// user the stream key names, numbered by <see cref="StreamQueue.QueueOf(string, long, int)"/>. (Edge writes append theirs on the
    /// follower's shard instead, so one stream's events can wait in the same-numbered queue of every shard.)
    /// </summary>
    public QueueId GetQueueForStream(StreamId streamId)
    {
        var key = KeyOf(streamId);
        return QueueIdOf(new OutboxQueue(_shards.For(new UserId(key)).Database.ShardId, StreamQueue.QueueOf(streamId.GetNamespace() ?? "", key, _queuesPerDatabase)));
    }

    /// <summary>The user id a stream's key holds; outbox streams are keyed by positive 64-bit ids.</summary>
    public static long KeyOf(StreamId streamId)
    {
        var key = streamId.Key.Span;
        if (!Utf8Parser.TryParse(key, out long value, out var length) || length != key.Length || value <= 0)
        {
            throw new ArgumentException($"Outbox streams are keyed by user ids (positive 64-bit integers); {streamId} is not.", nameof(streamId));
        }

        return value;
    }
}

/// <summary>One outbox queue: queue <paramref name="Number"/> of shard <paramref name="ShardId"/>'s <c>stream_events</c>.</summary>
public readonly record struct OutboxQueue(int ShardId, int Number);
