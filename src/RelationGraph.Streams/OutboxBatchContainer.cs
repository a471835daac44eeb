using Orleans.Runtime;
using Orleans.Streams;

namespace RelationGraph.Streams;

/// <summary>
/// The events of one stream from one read of an outbox queue, in row order. Orleans delivers a container in one call, so
/// an <see cref="IAsyncBatchObserver{T}"/> receives all of them at once.
/// </summary>
[GenerateSerializer, Alias("RelationGraph.Streams.OutboxBatchContainer")]
public sealed class OutboxBatchContainer : IBatchContainer
{
    /// <summary>
    /// Creates a container; <paramref name="rows"/> holds each event's row <c>sequence</c>, <paramref name="traceParents"/>
    /// each row's trace context (its <c>traceparent</c> column), if any.
    /// </summary>
    public OutboxBatchContainer(StreamId streamId, OutboxSequenceToken token, List<object> events, long[] rows, string?[]? traceParents = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(rows);
        if (events.Count != rows.Length || events.Count == 0)
        {
            throw new ArgumentException("A batch holds one row per event, and at least one.", nameof(rows));
        }

        StreamId = streamId;
        Token = token;
        Events = events;
        Rows = rows;
        TraceParents = traceParents is { } parents && parents.Length == rows.Length ? parents : new string?[rows.Length];
    }

    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; private set; }

    /// <summary>The batch's token: the read position and the first row.</summary>
    [Id(1)]
    public OutboxSequenceToken Token { get; private set; }

    /// <summary>The events, deserialized from the rows' payloads.</summary>
    [Id(2)]
    public List<object> Events { get; private set; }

    /// <summary>Each event's row <c>sequence</c> on shard <see cref="OutboxSequenceToken.ShardId"/>.</summary>
    [Id(3)]
    public long[] Rows { get; private set; }

    /// <summary>Each event's W3C trace context, from its row; null where the row had none.</summary>
    [Id(4)]
    public string?[] TraceParents { get; private set; }

    /// <inheritdoc />
    public StreamSequenceToken SequenceToken => Token;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create<T, StreamSequenceToken>(item, new OutboxSequenceToken(Token.SequenceNumber, i, Token.ShardId, Token.Queue, Rows[i]) { TraceParent = TraceParents[i] });
            }
        }
    }

    /// <summary>Outbox rows carry no request context.</summary>
    public bool ImportRequestContext() => false;

    /// <inheritdoc />
    public override string ToString() => $"[{nameof(OutboxBatchContainer)}: {StreamId}, {Events.Count} events, {Token}]";
}
