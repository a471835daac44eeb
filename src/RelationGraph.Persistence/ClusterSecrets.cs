using System.Security.Cryptography;
using Npgsql;

namespace RelationGraph.Persistence;

/// <summary>Secrets in the meta database's <c>cluster_secrets</c> table, shared by all silos and kept across restarts.</summary>
public static class ClusterSecrets
{
    /// <summary>The purpose of the page cursor key (<see cref="PageCursorCodec"/>).</summary>
    public const string PageCursor = "page-cursor";

    /// <summary>
    /// The keys of <paramref name="purpose"/>, oldest first, creating key 1 (32 random bytes) when there is none. Concurrent
    /// first starts agree: the insert of all but one does nothing, and all read what was stored.
    /// </summary>
    public static async Task<IReadOnlyList<(byte Id, byte[] Secret)>> LoadOrCreateAsync(NpgsqlDataSource meta, string purpose, CancellationToken cancellationToken)
    {
        await using (var create = meta.CreateCommand("""
            INSERT INTO cluster_secrets (purpose, key_id, secret)
            SELECT $1, 1, $2 WHERE NOT EXISTS (SELECT 1 FROM cluster_secrets WHERE purpose = $1)
            ON CONFLICT DO NOTHING
            """))
        {
            create.Parameters.Add(new() { Value = purpose });
            create.Parameters.Add(new() { Value = RandomNumberGenerator.GetBytes(32) });
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var keys = new List<(byte, byte[])>();
        await using var select = meta.CreateCommand("SELECT key_id, secret FROM cluster_secrets WHERE purpose = $1 ORDER BY key_id");
        select.Parameters.Add(new() { Value = purpose });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(((byte)reader.GetInt16(0), reader.GetFieldValue<byte[]>(1)));
        }

        return keys;
    }
}
