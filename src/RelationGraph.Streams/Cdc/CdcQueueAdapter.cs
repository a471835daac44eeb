using Orleans.Runtime;
using Orleans.Streams;

namespace RelationGraph.Streams.Cdc;

/// <summary>The read-only adapter of the Cdc provider: events enter its queues by commits to <c>following</c>, never through Orleans.</summary>
internal sealed class CdcQueueAdapter(string name, Func<QueueId, IQueueAdapterReceiver> createReceiver) : IQueueAdapter
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public bool IsRewindable => false;

    /// <inheritdoc />
    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    /// <inheritdoc />
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => createReceiver(queueId);

    /// <inheritdoc />
    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException($"Stream provider {name} is read-only: its events are the committed rows of following, read from the shards' replication slots.");
}
