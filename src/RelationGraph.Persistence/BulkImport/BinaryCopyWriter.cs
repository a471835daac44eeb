using System.Buffers.Binary;

namespace RelationGraph.Persistence.BulkImport;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, laid out by hand into one reused buffer: every column here is fixed-width
/// and never null, which is far cheaper than a writer call per value.
/// </summary>
internal sealed class BinaryCopyWriter
{
    private const int EdgeRowBytes = 2 + 12 + 6 + 12 + 6 + 12;
    private const long PostgresEpochMicros = 946_684_800_000_000;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _length;

    /// <summary>Starts a COPY stream on <paramref name="stream"/> by writing the format's header.</summary>
    public BinaryCopyWriter(Stream stream)
    {
        _stream = stream;
        ReadOnlySpan<byte> signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
        signature.CopyTo(_buffer);
        _length = signature.Length + 8; // then zero flags and a zero-length header extension
    }

    /// <summary>Columns <c>(owner_id, direction, other_id, state, event_at)</c> of an active edge.</summary>
    public ValueTask WriteEdgeAsync(short direction, ImportRow row, CancellationToken cancellationToken)
    {
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt16BigEndian(span, 5);
        Int64(span[2..], row.Owner);
        Int16(span[14..], direction);
        Int64(span[20..], row.Other);
        Int16(span[32..], 1);
        Int64(span[38..], row.At - PostgresEpochMicros);
        _length += EdgeRowBytes;
        return _length > _buffer.Length - EdgeRowBytes ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Columns <c>(owner_id, direction, count)</c>.</summary>
    public ValueTask WriteCountAsync(long owner, short direction, long count, CancellationToken cancellationToken)
    {
        var span = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteInt16BigEndian(span, 3);
        Int64(span[2..], owner);
        Int16(span[14..], direction);
        Int64(span[20..], count);
        _length += 32;
        return _length > _buffer.Length - EdgeRowBytes ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Writes the trailer and everything buffered.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), -1);
        _length += 2;
        await FlushAsync(cancellationToken);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken);
        _length = 0;
    }

    private static void Int64(Span<byte> span, long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
    }

    private static void Int16(Span<byte> span, short value)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, 2);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], value);
    }
}
