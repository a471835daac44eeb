using System.Globalization;
using Orleans.Streams;
using RelationGraph.Persistence;

namespace RelationGraph.Streams;

/// <summary>
/// Where an outbox event stands: its place in the receiver that read it (<see cref="SequenceNumber"/>, <see cref="EventIndex"/>)
/// and the row it came from (<see cref="ShardId"/>, <see cref="Queue"/>, <see cref="Row"/>).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="SequenceNumber"/> is the read position a receiver gave the batch, not the row's <c>sequence</c>: Orleans'
/// queue cache places cursors by comparing tokens and expects them to grow in the order batches are added, while rows
/// arrive out of sequence order (a transaction that commits after a later sequence, a lapsed or released lease, a replay).
/// Rows are identified by <see cref="ShardId"/>, <see cref="Queue"/> and <see cref="Row"/> instead; a row's sequence is
/// unique within its shard's <c>stream_events</c> and, with the shard id, a stable key consumers can deduplicate on.
/// </para>
/// <para>A batch's own token names its first row; each event's token (from <see cref="OutboxBatchContainer.GetEvents{T}"/>) names its row.</para>
/// </remarks>
[GenerateSerializer, Immutable, Alias("RelationGraph.Streams.OutboxSequenceToken")]
public sealed class OutboxSequenceToken : StreamSequenceToken, ITraceContextCarrier
{
    /// <summary>Creates a token.</summary>
    public OutboxSequenceToken(long readPosition, int eventIndex, int shardId, int queue, long row)
    {
        SequenceNumber = readPosition;
        EventIndex = eventIndex;
        ShardId = shardId;
        Queue = queue;
        Row = row;
    }

    /// <summary>The position the reading receiver gave the batch; grows with every batch read in a silo.</summary>
    [Id(0)]
    public override long SequenceNumber { get; protected set; }

    /// <summary>The event's index in its batch.</summary>
    [Id(1)]
    public override int EventIndex { get; protected set; }

    /// <summary>The shard whose <c>stream_events</c> table held the row.</summary>
    [Id(2)]
    public int ShardId { get; private set; }

    /// <summary>The row's queue number on that shard.</summary>
    [Id(3)]
    public int Queue { get; private set; }

    /// <summary>The row's <c>sequence</c>: for an event, its row; for a batch, the batch's first row.</summary>
    [Id(4)]
    public long Row { get; private set; }

    /// <summary>The W3C trace context of the write that appended the event's row; not part of its identity.</summary>
    [Id(5)]
    public string? TraceParent { get; init; }

    /// <inheritdoc />
    public override bool Equals(StreamSequenceToken? other) =>
        other is OutboxSequenceToken token && token.SequenceNumber == SequenceNumber && token.EventIndex == EventIndex
        && token.ShardId == ShardId && token.Queue == Queue && token.Row == Row;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex, ShardId, Row);

    /// <summary>Orders by read position, then event index.</summary>
    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (other is not OutboxSequenceToken token)
        {
            throw new ArgumentOutOfRangeException(nameof(other), $"Cannot compare an {nameof(OutboxSequenceToken)} with a {other.GetType().Name}.");
        }

        var difference = SequenceNumber.CompareTo(token.SequenceNumber);
        return difference != 0 ? difference : EventIndex.CompareTo(token.EventIndex);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[Outbox: read {SequenceNumber}/{EventIndex}, shard {ShardId} queue {Queue} row {Row}]");
}
