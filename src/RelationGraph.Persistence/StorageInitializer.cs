using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence;

/// <summary>
/// Brings storage up before the silo serves: creates missing databases, migrates the meta schema, loads (or on the
/// first start creates) the shard map, then opens and migrates every shard.
/// </summary>
internal sealed partial class StorageInitializer(
    IMetaDatabaseLocator locator,
    ShardSet shards,
    IOptions<StorageOptions> options,
    ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var metaConnectionString = await locator.GetConnectionStringAsync(cancellationToken);
        await StorageBootstrap.InitializeAsync(shards, metaConnectionString, options.Value, cancellationToken);
        var meta = new NpgsqlConnectionStringBuilder(metaConnectionString);
        LogStarted(logger, shards.Map.Databases.Count, shards.Map.VirtualShards, meta.Host, meta.Port, meta.Database);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
