using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence;

/// <summary>
/// Brings storage up before anything serves: creates missing databases, migrates the meta schema (the shard map and
/// Orleans' own tables), loads (or on the first start creates) the shard map, then opens and migrates every shard.
/// A silo runs it in an early stage of its lifecycle; other hosts run it when they start.
/// </summary>
public sealed partial class StorageInitializer(ShardSet shards, PageCursorCodec cursors, IOptions<StorageOptions> options, ILogger<StorageInitializer> logger)
{
    /// <summary>Initializes storage from <see cref="StorageOptions.ConnectionString"/>.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var metaConnectionString = options.Value.RequireConnectionString();
        await StorageBootstrap.InitializeAsync(shards, metaConnectionString, options.Value, cancellationToken);
        await using (var metaDatabase = NpgsqlDataSource.Create(metaConnectionString))
        {
            cursors.UseKeys(await ClusterSecrets.LoadOrCreateAsync(metaDatabase, ClusterSecrets.PageCursor, cancellationToken));
        }

        var meta = new NpgsqlConnectionStringBuilder(metaConnectionString);
        LogStarted(logger, shards.Map.Databases.Count, shards.Map.VirtualShards, meta.Host, meta.Port, meta.Database);
    }
}
