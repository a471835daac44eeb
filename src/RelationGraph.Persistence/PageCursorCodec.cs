using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using RelationGraph.Abstractions;

namespace RelationGraph.Persistence;

/// <summary>
/// The one place page cursors are sealed and opened. A cursor is opaque and authenticated: a version byte, the id of the
/// key that sealed it, the <see cref="PageCursor"/>, and a truncated HMAC-SHA256 over all of that plus the list it
/// belongs to (a list name and its owner). A flipped bit, another user's cursor, the other list's cursor, a truncated or
/// an old-format cursor are refused with <see cref="ArgumentException"/> whose message is written for users.
/// </summary>
/// <remarks>
/// The keys live in the meta database (<see cref="ClusterSecrets.PageCursor"/>), so cursors survive restarts and work
/// on every silo. A list binds its cursors by its name: <c>Seal("following", owner, position)</c> and
/// <c>Open("following", owner, cursor)</c>; a list of two users (a set query) puts the second one in the name
/// (<c>"common-fans:42"</c>). Rotation: insert a key with the next <c>key_id</c> and restart the silos; the newest key
/// seals, every key still stored opens, so cursors in flight keep working until the old row is deleted.
/// </remarks>
public sealed class PageCursorCodec
{
    private const byte Version = 2;
    private const byte UnsealedVersion = 1;
    private const int UnsealedLength = 17;
    private const int MacLength = 16;
    private const int PayloadLength = 16;
    private const int Length = 2 + PayloadLength + MacLength;
    private const int EncodedLength = (Length * 4 + 2) / 3;
    private const string NotThisList = "cursor is not a cursor of this list: pass the nextCursor of a previous page of the same list unchanged.";

    private volatile Keys? _keys;

    /// <summary>A codec with a random key of its own, for processes that are not part of a cluster (tools, benchmarks).</summary>
    public static PageCursorCodec Ephemeral()
    {
        var codec = new PageCursorCodec();
        codec.UseKeys([(1, RandomNumberGenerator.GetBytes(32))]);
        return codec;
    }

    /// <summary>Sets the keys, oldest first; the last one seals. Storage calls it at start.</summary>
    public void UseKeys(IReadOnlyList<(byte Id, byte[] Secret)> keys)
    {
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one cursor key is needed.", nameof(keys));
        }

        _keys = new Keys(keys.ToDictionary(k => k.Id, k => k.Secret), keys[^1].Id);
    }

    /// <summary>Seals <paramref name="position"/> as a cursor of <paramref name="list"/> of <paramref name="owner"/>.</summary>
    public string Seal(string list, UserId owner, PageCursor position)
    {
        var keys = Current;
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        bytes[1] = keys.SealingId;
        BinaryPrimitives.WriteInt64BigEndian(bytes[2..], position.EventAtMicros);
        BinaryPrimitives.WriteInt64BigEndian(bytes[10..], position.OtherId);
        Mac(keys.ById[keys.SealingId], list, owner, bytes[..^MacLength], bytes[^MacLength..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Opens a cursor that <see cref="Seal"/> made for the same list and owner; throws <see cref="ArgumentException"/> for any other.</summary>
    public PageCursor Open(string list, UserId owner, string cursor)
    {
        var keys = Current;
        Span<byte> bytes = stackalloc byte[Length + 3];
        if (cursor.Length > EncodedLength || !Base64Url.IsValid(cursor) || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written))
        {
            throw Invalid(NotThisList);
        }

        if (written == UnsealedLength && bytes[0] == UnsealedVersion)
        {
            throw Invalid("cursor comes from an older version of the service: start again from the first page.");
        }

        if (written != Length || bytes[0] != Version)
        {
            throw Invalid(NotThisList);
        }

        bytes = bytes[..Length];

        if (!keys.ById.TryGetValue(bytes[1], out var key))
        {
            throw Invalid("cursor has expired (its key was retired): start again from the first page.");
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Mac(key, list, owner, bytes[..^MacLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[^MacLength..]))
        {
            throw Invalid(NotThisList);
        }

        var position = new PageCursor(BinaryPrimitives.ReadInt64BigEndian(bytes[2..]), BinaryPrimitives.ReadInt64BigEndian(bytes[10..]));
        return position.EventAtMicros >= 0 && position.OtherId > 0 ? position : throw Invalid(NotThisList);
    }

    private Keys Current => _keys ?? throw new InvalidOperationException("Storage has not started yet: the page cursor key is not loaded.");

    private static void Mac(byte[] key, string list, UserId owner, ReadOnlySpan<byte> sealedPart, Span<byte> mac)
    {
        var listBytes = Encoding.UTF8.GetBytes(list);
        var message = new byte[4 + listBytes.Length + 8 + sealedPart.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, listBytes.Length);
        listBytes.CopyTo(message, 4);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(4 + listBytes.Length), owner.Value);
        sealedPart.CopyTo(message.AsSpan(12 + listBytes.Length));
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, message, full);
        full[..MacLength].CopyTo(mac);
    }

    private static ArgumentException Invalid(string message) => new(message);

    private sealed record Keys(Dictionary<byte, byte[]> ById, byte SealingId);
}
