using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams;

/// <summary>
/// The outbox as an Orleans queue adapter. Edge writes append their events themselves, in the transaction of the write
/// (<see cref="StreamQueue.Append"/>); <see cref="QueueMessageBatchAsync{T}"/> serves producers that use the Orleans stream
/// API instead (<c>IAsyncStream&lt;T&gt;.OnNextAsync</c>).
/// </summary>
public sealed class OutboxQueueAdapter : IQueueAdapter
{
    private readonly ShardSet _shards;
    private readonly OutboxQueueMapper _mapper;
    private readonly StreamOptions _options;
    private readonly Serializer _serializer;
    private readonly InFlightBatches _inFlight;
    private readonly StreamMetrics _metrics;
    private readonly StreamQueueSignals? _signals;
    private readonly StreamBackPressure? _backPressure;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;

    internal OutboxQueueAdapter(
        string name, ShardSet shards, OutboxQueueMapper mapper, StreamOptions options, Serializer serializer, InFlightBatches inFlight,
        StreamMetrics metrics, StreamQueueSignals? signals, StreamBackPressure? backPressure, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Name = name;
        _shards = shards;
        _mapper = mapper;
        _options = options;
        _serializer = serializer;
        _inFlight = inFlight;
        _metrics = metrics;
        _signals = signals;
        _backPressure = backPressure;
        _time = time;
        _loggerFactory = loggerFactory;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>False: delivered rows are deleted, so a subscriber cannot rewind.</summary>
    public bool IsRewindable => false;

    /// <inheritdoc />
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <inheritdoc />
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var queue = _mapper.Decode(queueId);
        var shard = _shards.All[queue.ShardId];
        return new OutboxQueueAdapterReceiver(
            queueId, shard, queue.Number, _options, _serializer, _inFlight, _metrics, _signals, _time,
            _loggerFactory.CreateLogger($"{typeof(OutboxQueueAdapterReceiver).FullName}.{Name}"));
    }

    /// <summary>
    /// Appends <paramref name="events"/>, one row each, to the queue of the stream's key on the shard of the user it names,
    /// in one transaction; each payload is <c>Serializer.SerializeToArray&lt;object&gt;(event)</c>. The stream needs a
    /// namespace (it names the implicit subscriber) and a positive 64-bit key. Waits while the queue is full
    /// (<see cref="StreamOptions.MaxQueueDepth"/>), then throws <see cref="OverloadedException"/>.
    /// </summary>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("The outbox stream provider is not rewindable; producers cannot give sequence tokens.", nameof(token));
        }

        var streamNamespace = streamId.GetNamespace();
        if (string.IsNullOrEmpty(streamNamespace))
        {
            throw new ArgumentException($"Outbox streams need a namespace, which names their implicit subscriber; {streamId} has none.", nameof(streamId));
        }

        var key = OutboxQueueMapper.KeyOf(streamId);
        var rows = events.Select(e => new StreamEvent(streamNamespace, key, _serializer.SerializeToArray<object>(e!))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var shard = _shards.For(new UserId(key));
        await shard.RunAsync(async (dataSource, ct) =>
        {
            if (_backPressure is not null)
            {
                await _backPressure.WaitForRoomAsync(dataSource, rows[0], ct);
            }

            await using var batch = dataSource.CreateBatch();
            batch.BatchCommands.Add(StreamQueue.Append(rows, _options.QueuesPerDatabase));
            return await batch.ExecuteNonQueryAsync(ct);
        }, CancellationToken.None);
        _metrics.RecordAppended(rows.Count);
        _signals?.Signal(shard.DataSource, StreamQueue.QueueOf(rows[0], _options.QueuesPerDatabase));
    }
}
