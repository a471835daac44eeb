using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence;

/// <summary>Adds RelationGraph's sharded PostgreSQL storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the shard set, the edge store and the <see cref="StorageInitializer"/> that migrates schemas and loads the
    /// shard map; the host decides when it runs (a silo: in its lifecycle; other hosts: <see cref="AddRelationGraphStorageStartup"/>).
    /// Binds <see cref="StorageOptions"/> from the <c>RelationGraph</c> section and <see cref="FanBucketOptions"/> from its
    /// <c>FanBuckets</c> section, and validates them at start.
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
        services.TryAddSingleton<IValidateOptions<FanBucketOptions>, FanBucketOptionsValidator>();
        services.AddOptions<FanBucketOptions>().BindConfiguration(FanBucketOptions.SectionName).ValidateOnStart();
        services.TryAddSingleton<FanBucketMap>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ShardSet>();
        services.TryAddSingleton<PageCursorCodec>();
        services.TryAddSingleton<EdgeMetrics>();
        services.TryAddSingleton<EdgeStore>();
        services.TryAddSingleton<StorageInitializer>();
        return services;
    }

    /// <summary>Initializes storage when the host starts, for hosts that are not silos (tools, storage-level tests).</summary>
    public static IServiceCollection AddRelationGraphStorageStartup(this IServiceCollection services) =>
        services.AddHostedService<StorageStartup>();

    private sealed class StorageStartup(StorageInitializer initializer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => initializer.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
