using System.Buffers.Binary;
using System.Text;

namespace RelationGraph.Actors.Serialization;

/// <summary>Reads values written by <see cref="WireWriter"/>; throws <see cref="InvalidDataException"/> on truncated or malformed input.</summary>
public ref struct WireReader(ReadOnlySpan<byte> input)
{
    private readonly ReadOnlySpan<byte> _input = input;
    private int _position;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _input.Length - _position;

    /// <summary>Reads one byte.</summary>
    public byte ReadByte() => _position < _input.Length ? _input[_position++] : throw Truncated();

    /// <summary>Reads an unsigned variable-length integer.</summary>
    public ulong ReadVarUInt64()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("Malformed variable-length integer.");
    }

    /// <summary>Reads a zig-zag variable-length integer.</summary>
    public long ReadVarInt64()
    {
        var raw = ReadVarUInt64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads a fixed 8-byte little-endian integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>Reads a double.</summary>
    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Reads a string or null.</summary>
    public string? ReadString()
    {
        var length = ReadVarUInt64();
        return length == 0 ? null : Encoding.UTF8.GetString(Take(checked((int)(length - 1))));
    }

    /// <summary>Reads a length-prefixed byte run.</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(checked((int)ReadVarUInt64()));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Truncated();
        }

        var span = _input.Slice(_position, count);
        _position += count;
        return span;
    }

    private static InvalidDataException Truncated() => new("The message ended early.");
}
