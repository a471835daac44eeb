using Orleans.Runtime;
using Orleans.Streams;

namespace RelationGraph.Streams.Cdc;

/// <summary>
/// One queue per shard: the queue's numeric id is the shard id, and its slot is that shard's replication slot. Orleans'
/// lease-based balancer hands each silo a share and moves them when silos join or leave (<see cref="StreamQueueBalancing"/>).
/// </summary>
public sealed class CdcQueueMapper : IStreamQueueMapper
{
    private const long RingSize = 1L << 32;
    private readonly QueueId[] _queues;

    /// <summary>Creates the queues of <paramref name="shards"/> shards, named after the provider.</summary>
    public CdcQueueMapper(string providerName, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        _queues = new QueueId[shards];
        for (var shard = 0; shard < shards; shard++)
        {
            _queues[shard] = QueueId.GetQueueId(providerName, (uint)shard, (uint)(RingSize * shard / shards));
        }
    }

    /// <summary>The shard whose slot <paramref name="queue"/> reads.</summary>
    public static int ShardOf(QueueId queue) => (int)queue.GetNumericId();

    /// <inheritdoc />
    public IEnumerable<QueueId> GetAllQueues() => _queues;

    /// <summary>
    /// Not meaningful: the stream of a followee is fed by every shard's slot (wherever its followers live), and this
    /// provider is read-only, so nothing is ever queued by stream. Answers a fixed queue per stream for completeness.
    /// </summary>
    public QueueId GetQueueForStream(StreamId streamId) => _queues[(int)((uint)streamId.GetHashCode() % (uint)_queues.Length)];
}
