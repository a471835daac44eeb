using System.Buffers.Binary;
using System.Buffers.Text;

namespace RelationGraph.Persistence;

/// <summary>
/// The opaque keyset cursor of a page: the (event time, other id) of the last entry returned, as URL-safe base64.
/// The leading version byte lets the format change without breaking cursors in flight.
/// </summary>
internal readonly record struct PageCursor(long EventAtMicros, long OtherId)
{
    private const byte Version = 1;
    private const int Length = 17;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], EventAtMicros);
        BinaryPrimitives.WriteInt64BigEndian(bytes[9..], OtherId);
        return Base64Url.EncodeToString(bytes);
    }

    public static PageCursor Decode(string cursor)
    {
        Span<byte> bytes = stackalloc byte[Length + 3];
        if (cursor.Length > 32 || !Base64Url.IsValid(cursor) || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != Length || bytes[0] != Version)
        {
            throw new ArgumentException("cursor is malformed; pass the nextCursor of a previous page unchanged.", nameof(cursor));
        }

        return new PageCursor(BinaryPrimitives.ReadInt64BigEndian(bytes[1..]), BinaryPrimitives.ReadInt64BigEndian(bytes[9..]));
    }
}
