using Npgsql;
using RelationGraph.Persistence.Schema;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence;

/// <summary>
/// Brings storage up: creates missing databases, migrates the meta schema, loads (or on the first start creates)
/// the shard map, then opens and migrates every shard. The silo does it at start; tools (bulk import) do it too.
/// </summary>
public static class StorageBootstrap
{
    /// <summary>
    /// Initializes <paramref name="shards"/> from the meta database at <paramref name="metaConnectionString"/>. A silo creates
    /// the map on first start and insists it matches its configuration; a tool passes <paramref name="adoptStoredMap"/> to use
    /// whatever map is stored.
    /// </summary>
    public static async Task InitializeAsync(ShardSet shards, string metaConnectionString, StorageOptions settings, CancellationToken cancellationToken, bool adoptStoredMap = false)
    {
        var metaBuilder = new NpgsqlConnectionStringBuilder(metaConnectionString);
        await EnsureDatabaseAsync(metaConnectionString, cancellationToken);

        ShardMap map;
        await using (var meta = NpgsqlDataSource.Create(metaConnectionString))
        {
            await SchemaMigrator.MigrateAsync(meta, "Meta", cancellationToken);
            map = await ShardMapStore.LoadOrCreateAsync(meta, metaBuilder.Database!, settings, adoptStoredMap, cancellationToken);
        }

        var opened = new List<Shard>();
        foreach (var database in map.Databases)
        {
            var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString ?? metaConnectionString)
            {
                Database = database.Database,
                Timeout = Math.Max(1, (int)settings.ShardConnectTimeout.TotalSeconds),
                // The service runs a handful of statements over and over; preparing them saves parsing and planning
                // (planning over the partitions costs more than running a point lookup) on every call.
                MaxAutoPrepare = 32,

                // Nothing changes session state on these connections (settings are SET LOCAL, temporary tables ON COMMIT
                // DROP), so the reset PostgreSQL would run on every pooled open is pure cost.
                NoResetOnClose = true,
            }.ConnectionString;
            await EnsureDatabaseAsync(connectionString, cancellationToken);
            var shard = new Shard(database, connectionString);
            opened.Add(shard);
            await SchemaMigrator.MigrateAsync(shard.DataSource, "Shard", cancellationToken);
        }

        shards.Initialize(map, opened);
    }

    /// <summary>Creates the database of <paramref name="connectionString"/> when it does not exist (development and tests).</summary>
    private static async Task EnsureDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        try
        {
            await using var probe = new NpgsqlConnection(connectionString);
            await probe.OpenAsync(cancellationToken);
            return;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
        }

        var database = builder.Database!;
        builder.Database = "postgres";
        builder.Pooling = false;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another silo created it first.
        }
    }
}
