using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence;

/// <summary>Adds RelationGraph's sharded PostgreSQL storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the shard set, the edge store and the start-up step that migrates schemas and loads the shard map.
    /// Binds <see cref="StorageOptions"/> from the <c>RelationGraph</c> section and validates it at start.
    /// The meta database comes from <see cref="StorageOptions.ConnectionString"/> unless another <see cref="IMetaDatabaseLocator"/> is registered.
    /// </summary>
    public static IServiceCollection AddRelationGraphStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .Validate(o => o.Shards is >= 1 and <= 4096, "RelationGraph:Shards must be between 1 and 4096.")
            .Validate(o => o.VirtualShards >= Math.Max(o.Shards, o.ShardConnectionStrings.Count) && o.VirtualShards <= 1 << 20,
                "RelationGraph:VirtualShards must be at least the number of shards and at most 1048576.")
            .Validate(o => o.ShardConnectTimeout > TimeSpan.Zero, "RelationGraph:ShardConnectTimeout must be positive.")
            .Validate(o => o.WriteFlushesPerShard is >= 1 and <= 64, "RelationGraph:WriteFlushesPerShard must be between 1 and 64.")
            .Validate(o => o.MaxWriteBatch is >= 1 and <= 10_000, "RelationGraph:MaxWriteBatch must be between 1 and 10000.")
            .ValidateOnStart();
        services.TryAddSingleton<IMetaDatabaseLocator, ConfiguredMetaDatabaseLocator>();
        services.AddSingleton<ShardSet>();
        services.AddSingleton<EdgeStore>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }
}
