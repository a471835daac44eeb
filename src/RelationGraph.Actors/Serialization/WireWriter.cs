using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RelationGraph.Actors.Serialization;

/// <summary>Appends values in the wire format: variable-length integers (zig-zag for signed), UTF-8 strings with a length prefix.</summary>
public ref struct WireWriter(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    /// <summary>Writes an unsigned variable-length integer (7 bits a byte).</summary>
    public void WriteVarUInt64(ulong value)
    {
        var span = _output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _output.Advance(i);
    }

    /// <summary>Writes a signed integer zig-zag encoded, so small negatives stay short.</summary>
    public void WriteVarInt64(long value) => WriteVarUInt64(unchecked((ulong)((value << 1) ^ (value >> 63))));

    /// <summary>Writes a fixed 8-byte little-endian integer.</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    /// <summary>Writes a double.</summary>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>A string: its UTF-8 length + 1 (0 for null), then the bytes.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarUInt64(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt64((ulong)length + 1);
        Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
        _output.Advance(length);
    }

    /// <summary>Writes a length-prefixed byte run.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt64((ulong)value.Length);
        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }
}
