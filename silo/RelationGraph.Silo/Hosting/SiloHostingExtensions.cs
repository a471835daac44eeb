using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Hosting;
using RelationGraph.Abstractions;
using RelationGraph.Actors.PostgreSql;
using RelationGraph.Actors.PostgreSql.Streams;
using RelationGraph.Grains;
using RelationGraph.Grains.Cdc;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Silo.Hosting;

/// <summary>Composes the silo host from RelationGraph's parts, all configured from the <c>RelationGraph</c> section.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds sharded storage. Without <c>RelationGraph:ConnectionString</c>, a private PostgreSQL server is started
    /// from the machine's binaries in <c>RelationGraph:DataDirectory</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRelationGraphStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRelationGraphStorage();
        builder.Services.AddOptions<DevelopmentDatabaseOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.Services.AddSingleton<IMetaDatabaseLocator, DevelopmentMetaDatabaseLocator>();
        builder.Services.AddHealthChecks().AddCheck<ShardsHealthCheck>("shards");
        return builder;
    }

    /// <summary>
    /// Adds the actor runtime hosting RelationGraph's grains as a member of the cluster whose membership table is
    /// in the meta database. Without <c>RelationGraph:ClusterSecret</c>, a development silo (one on the private
    /// server) generates one in its data directory, which later silos and the CLI on this machine read.
    /// </summary>
    public static IHostApplicationBuilder AddRelationGraphSilo(this IHostApplicationBuilder builder)
    {
        // Before the silo's own services: in Cdc mode the replication slots must exist before any follow is served.
        builder.Services.AddHostedService<FollowingChangeFeed>();
        builder.Services.AddSingleton<FanMetrics>();
        builder.Services.AddSilo(silo => silo
            .AddGrainsFromAssembly(typeof(FollowingGrain).Assembly)
            .UsePostgresClustering(_ => { })
            .AddPostgresStreams()
            .AddImplicitStreamSubscription<IFanGrain, FollowChanged>(RedundancyOptions.FollowStream, (fans, changes) => fans.ApplyAllAsync(changes)));
        builder.Services.AddSingleton<IStreamQueueDatabases>(sp => sp.GetRequiredService<ShardSet>());
        builder.Services.AddOptions<StreamOptions>().BindConfiguration($"{StorageOptions.SectionName}:Streams");
        builder.Services.AddOptions<RedundancyOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.Services.AddOptions<ListCacheOptions>()
            .BindConfiguration(ListCacheOptions.SectionName)
            .Validate(o => o.TimeToLive >= TimeSpan.Zero, "RelationGraph:ListCache:TimeToLive must not be negative.")
            .Validate(o => o.MaxPages >= 1, "RelationGraph:ListCache:MaxPages must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddOptions<PostgresClusteringOptions>()
            .Configure<IMetaDatabaseLocator>((o, locator) => o.ConnectionStringProvider = locator.GetConnectionStringAsync);
        builder.Services.AddOptions<SiloOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .PostConfigure<IOptions<StorageOptions>, IOptions<DevelopmentDatabaseOptions>>((silo, storage, development) =>
            {
                if (string.IsNullOrWhiteSpace(silo.ClusterSecret) && string.IsNullOrWhiteSpace(storage.Value.ConnectionString))
                {
                    silo.ClusterSecret = DevelopmentClusterSecret.ReadOrCreate(development.Value.DataDirectory);
                }
            });
        builder.Services.AddOptions<GrainCollectionOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.Services.AddOptions<SiloMessagingOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration(StorageOptions.SectionName);
        return builder;
    }
}
