using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RelationGraph.Client;
using RelationGraph.Grains;
using RelationGraph.Grains.Audit;
using RelationGraph.Grains.Deletion;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Streams;
using RelationGraph.Streams.Cdc;

namespace RelationGraph.Silo.Hosting;

/// <summary>
/// The one silo configuration shared by the silo host, the test cluster and the benchmarks: RelationGraph's storage,
/// grains and follow streams, Orleans' ADO.NET clustering, reminders and grain storage on the meta database, and TLS
/// with the cluster certificate (<see cref="ClusterTlsOptions"/>). Endpoints and the dashboard are the host's to add.
/// </summary>
public static class RelationGraphSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of PostgreSQL.</summary>
    public const string AdoNetInvariant = "Npgsql";

    /// <summary>The configuration section of Orleans' <see cref="GrainCollectionOptions"/> (collection age, memory-pressure shedding).</summary>
    public const string GrainCollectionSectionName = "RelationGraph:GrainCollection";

    /// <summary>The configuration section of Orleans' <see cref="GrainDirectoryOptions"/> (the directory cache's size).</summary>
    public const string GrainDirectorySectionName = "RelationGraph:GrainDirectory";

    /// <summary>The grain storage for the small state grains keep themselves (checkpoints, job progress; never edge lists).</summary>
    public const string GrainStorageName = "relationgraph";

    /// <summary>The stream provider of follow events in Stream mode: the outbox tables on each shard.</summary>
    public const string OutboxStreamProviderName = "outbox";

    /// <summary>The stream provider of follow events in Cdc mode: each shard's logical replication slot.</summary>
    public const string CdcStreamProviderName = "cdc";

    /// <summary>
    /// Adds RelationGraph to the silo. Reads the <c>RelationGraph</c> section of <paramref name="configuration"/>:
    /// the meta database (<c>ConnectionString</c>), the shards, the redundancy mode, the stream and cache settings and TLS.
    /// </summary>
    public static ISiloBuilder AddRelationGraph(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        var section = configuration.GetSection(StorageOptions.SectionName);
        services.AddRelationGraphStorage();
        services.AddSingleton<StorageLifecycle>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<StorageLifecycle>());
        services.AddSingleton<FanMetrics>();
        services.AddRelationGraphAudit(configuration);
        services.AddOptions<RedundancyOptions>().Bind(section);
        services.AddOptions<ListCacheOptions>()
            .Bind(configuration.GetSection(ListCacheOptions.SectionName))
            .Validate(o => o.TimeToLive >= TimeSpan.Zero, "RelationGraph:ListCache:TimeToLive must not be negative.")
            .Validate(o => o.MaxPages >= 1, "RelationGraph:ListCache:MaxPages must be at least 1.")
            .Validate(o => o.MaxBytes >= 0, "RelationGraph:ListCache:MaxBytes must not be negative.")
            .Validate(o => o.ErasureCheckInterval > TimeSpan.Zero, "RelationGraph:ListCache:ErasureCheckInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ListCacheBudget>();
        services.AddSingleton<ErasedUsers>();
        services.AddOptions<StreamOptions>().Bind(configuration.GetSection(StreamOptions.SectionName));
        // Millions of distinct users can be touched within minutes (a crawl, a suggestion job), up to three activations
        // each: Orleans sheds the least recently used activations when the GC's committed memory passes its limit
        // percentage of the memory the process may use (the machine's, a container's, or DOTNET_GCHeapHardLimit), so the
        // silo's memory stays bounded however many users are touched. Orleans' 80 % limit, 75 % target and 5 s poll
        // shed too late and too little for a crawl at 600 users/s (the crawl benchmark ran out of a 256 MiB heap with
        // them), hence an earlier, deeper cut checked every second. Orleans' collection settings bind from
        // RelationGraph:GrainCollection.
        services.Configure<GrainCollectionOptions>(o =>
        {
            o.EnableActivationSheddingOnMemoryPressure = true;
            o.MemoryUsageLimitPercentage = 70;
            o.MemoryUsageTargetPercentage = 55;
            o.MemoryUsagePollingPeriod = TimeSpan.FromSeconds(1);
        });
        services.AddOptions<GrainCollectionOptions>().Bind(configuration.GetSection(GrainCollectionSectionName));

        // The directory cache remembers where each grain called lives, by default up to a million entries of a few hundred
        // bytes whatever the activations: a crawl's distinct users would fill it. The hot set of a silo fits in far fewer.
        services.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
        services.AddOptions<GrainDirectoryOptions>().Bind(configuration.GetSection(GrainDirectorySectionName));
        services.AddSingleton<RateLimitMetrics>();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<DeletionMetrics>();
        services.AddSingleton<IValidateOptions<DeletionOptions>, DeletionOptionsValidator>();
        services.AddOptions<DeletionOptions>().Bind(configuration.GetSection(DeletionOptions.SectionName)).ValidateOnStart();

        // Grain calls carry the caller's trace context, so a follow is one trace from the API to the fan write.
        silo.AddActivityPropagation();

        var metaDatabase = section[nameof(StorageOptions.ConnectionString)];
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = AdoNetInvariant;
            o.ConnectionString = metaDatabase;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = AdoNetInvariant;
            o.ConnectionString = metaDatabase;
        });
        silo.AddAdoNetGrainStorage(GrainStorageName, o =>
        {
            o.Invariant = AdoNetInvariant;
            o.ConnectionString = metaDatabase;
        });

        if ((section.Get<ClusterTlsOptions>() ?? new ClusterTlsOptions()) is { UseTls: true } tls)
        {
            var certificate = tls.ClusterCertificatePath is { Length: > 0 } path
                ? ClusterTls.LoadCertificate(path, tls.ClusterCertificatePassword)
                : DevelopmentClusterCertificate.LoadOrCreate(section.Get<DevelopmentDatabaseOptions>()?.DataDirectory ?? new DevelopmentDatabaseOptions().DataDirectory);
            silo.UseTls(certificate, options => ClusterTls.Configure(options, certificate));
        }

        var redundancy = section.GetValue(nameof(RedundancyOptions.Redundancy), new RedundancyOptions().Redundancy);
        switch (redundancy)
        {
            case Redundancy.Stream:
                silo.AddOutboxStreams(OutboxStreamProviderName);
                break;
            case Redundancy.Cdc:
                silo.AddCdcStreams(CdcStreamProviderName);
                break;
            case Redundancy.Sync:
                break;
        }

        return silo;
    }
}
