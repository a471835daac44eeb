using System.Buffers;
using System.Buffers.Binary;
using RelationGraph.Actors.Serialization;

namespace RelationGraph.Actors.Messaging;

/// <summary>
/// Builds one frame: a 4-byte little-endian body length, then the body: kind (1 byte), correlation id (8 bytes),
/// then what the kind carries, in the wire format.
/// </summary>
internal sealed class FrameBuilder
{
    public const int HeaderLength = 4;
    public const int MaxBodyLength = 16 * 1024 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public FrameBuilder(MessageKind kind, long correlationId)
    {
        _buffer.Advance(HeaderLength);
        var span = _buffer.GetSpan(9);
        span[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], correlationId);
        _buffer.Advance(9);
    }

    public IBufferWriter<byte> Body => _buffer;

    public WireWriter Writer => new(_buffer);

    public static byte[] Empty(MessageKind kind, long correlationId) => new FrameBuilder(kind, correlationId).Build();

    public byte[] Build()
    {
        var frame = _buffer.WrittenSpan.ToArray();
        var length = frame.Length - HeaderLength;
        if (length > MaxBodyLength)
        {
            throw new InvalidOperationException($"A message of {length} bytes is larger than the {MaxBodyLength}-byte limit.");
        }

        BinaryPrimitives.WriteInt32LittleEndian(frame, length);
        return frame;
    }

    /// <summary>Reads the kind and correlation id of a frame body.</summary>
    public static (MessageKind Kind, long CorrelationId) ReadHeader(ReadOnlySpan<byte> body) =>
        body.Length < 9
            ? throw new InvalidDataException("A frame is shorter than its header.")
            : ((MessageKind)body[0], BinaryPrimitives.ReadInt64LittleEndian(body[1..]));
}
