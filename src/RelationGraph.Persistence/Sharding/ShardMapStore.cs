using Npgsql;

namespace RelationGraph.Persistence.Sharding;

/// <summary>Reads the shard map from the meta database, creating it from configuration on the very first start.</summary>
internal static class ShardMapStore
{
    /// <summary>The stored map; when there is none, one made from <paramref name="options"/>, unless <paramref name="adoptStoredMap"/> (tools), which also skips comparing it with the options.</summary>
    public static async Task<ShardMap> LoadOrCreateAsync(NpgsqlDataSource meta, string metaDatabase, StorageOptions options, bool adoptStoredMap, CancellationToken cancellationToken)
    {
        await using var connection = await meta.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockMap = new NpgsqlCommand("LOCK TABLE shard_databases IN EXCLUSIVE MODE", connection, transaction))
        {
            await lockMap.ExecuteNonQueryAsync(cancellationToken);
        }

        var map = await LoadAsync(connection, transaction, cancellationToken);
        if (map is null && adoptStoredMap)
        {
            throw new InvalidOperationException($"The meta database '{metaDatabase}' has no shard map yet; start a silo on it first.");
        }

        if (map is null)
        {
            map = ShardMap.Create(FromOptions(metaDatabase, options), options.VirtualShards);
            await SaveAsync(connection, transaction, map, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (!adoptStoredMap)
        {
            Validate(map, options);
        }

        return map;
    }

    private static List<ShardDatabase> FromOptions(string metaDatabase, StorageOptions options) =>
        options.ShardConnectionStrings.Count > 0
            ? options.ShardConnectionStrings
                .Select((cs, i) => new ShardDatabase(i, new NpgsqlConnectionStringBuilder(cs).Database ?? throw new InvalidOperationException($"Shard connection string {i} names no database."), cs))
                .ToList()
            : Enumerable.Range(0, options.Shards).Select(i => new ShardDatabase(i, $"{metaDatabase}_shard_{i}", null)).ToList();

    private static void Validate(ShardMap map, StorageOptions options)
    {
        var expected = options.ShardConnectionStrings.Count > 0 ? options.ShardConnectionStrings.Count : options.Shards;
        if (map.Databases.Count != expected || map.VirtualShards != options.VirtualShards)
        {
            throw new InvalidOperationException(
                $"The shard map in the meta database has {map.Databases.Count} shards and {map.VirtualShards} virtual shards, " +
                $"but the configuration asks for {expected} and {options.VirtualShards}. Moving virtual shards between databases is not supported yet; " +
                "use the configuration the map was created with, or a new meta database.");
        }
    }

    private static async Task<ShardMap?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var databases = new List<ShardDatabase>();
        await using (var select = new NpgsqlCommand("SELECT shard_id, database, connection_string FROM shard_databases ORDER BY shard_id", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                databases.Add(new ShardDatabase(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        if (databases.Count == 0)
        {
            return null;
        }

        var assignment = new List<int>();
        await using (var select = new NpgsqlCommand("SELECT shard_id FROM virtual_shards ORDER BY virtual_shard", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                assignment.Add(reader.GetInt32(0));
            }
        }

        return new ShardMap(databases, assignment);
    }

    private static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ShardMap map, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO shard_databases (shard_id, database, connection_string) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = map.Databases.Select(d => d.ShardId).ToArray() });
            insert.Parameters.Add(new() { Value = map.Databases.Select(d => d.Database).ToArray() });
            insert.Parameters.Add(new() { Value = map.Databases.Select(d => d.ConnectionString).ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO virtual_shards (virtual_shard, shard_id) SELECT v - 1, s FROM unnest($1::int[]) WITH ORDINALITY AS a(s, v)", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = map.ShardOfVirtualShard.ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
