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
    private const byte UserIdVersion = 101;
    private const int UserIdLength = 9;

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

    /// <summary>The cursor of a page ordered by user id alone (set queries): the last id walked, under its own version byte.</summary>
    public static string EncodeUserId(long lastId)
    {
        Span<byte> bytes = stackalloc byte[UserIdLength];
        bytes[0] = UserIdVersion;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastId);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The last id walked, from a cursor made by <see cref="EncodeUserId"/>.</summary>
    public static long DecodeUserId(string cursor)
    {
        Span<byte> bytes = stackalloc byte[UserIdLength + 3];
        if (cursor.Length > 16 || !Base64Url.IsValid(cursor) || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written)
            || written != UserIdLength || bytes[0] != UserIdVersion || BinaryPrimitives.ReadInt64BigEndian(bytes[1..]) < 0)
        {
            throw new ArgumentException("cursor is malformed; pass the nextCursor of a previous page unchanged.", nameof(cursor));
        }

        return BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
    }
}
