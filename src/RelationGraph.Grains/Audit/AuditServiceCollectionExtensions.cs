using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using RelationGraph.Persistence.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>Registers the auditor.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>Adds the auditor's store, checker, metrics and start-up, with <see cref="AuditOptions"/> from <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddRelationGraphAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .Validate(o => o.RealtimeDelay >= TimeSpan.Zero, "RelationGraph:Audit:RealtimeDelay must not be negative.")
            .Validate(o => o.RealtimeSampleRate is >= 0 and <= 1, "RelationGraph:Audit:RealtimeSampleRate must be between 0 and 1.")
            .Validate(o => o.RealtimePollInterval > TimeSpan.Zero, "RelationGraph:Audit:RealtimePollInterval must be positive.")
            .Validate(o => o.RealtimeMaxPending >= 1, "RelationGraph:Audit:RealtimeMaxPending must be at least 1.")
            .Validate(o => o.IncrementalInterval > TimeSpan.Zero && o.FullInterval > TimeSpan.Zero, "RelationGraph:Audit:IncrementalInterval and FullInterval must be positive.")
            .Validate(o => o.FullScanEdgesPerSecond >= 0, "RelationGraph:Audit:FullScanEdgesPerSecond must not be negative (0: unthrottled).")
            .Validate(o => o.PageSize is >= 1 and <= 1_000_000, "RelationGraph:Audit:PageSize must be between 1 and 1,000,000.")
            .Validate(o => o.Segments >= 0, "RelationGraph:Audit:Segments must not be negative (0: one per shard).")
            .Validate(o => o.TombstoneHorizon > TimeSpan.Zero, "RelationGraph:Audit:TombstoneHorizon must be positive.")
            .Validate(o => o.ResumePeriod > TimeSpan.Zero && o.SliceDuration > TimeSpan.Zero, "RelationGraph:Audit:ResumePeriod and SliceDuration must be positive.")
            .Validate(o => o.WarningRate >= 0 && o.History >= 1, "RelationGraph:Audit:WarningRate must not be negative and History must be at least 1.")
            .ValidateOnStart();
        // Grain state goes through Orleans' JSON grain storage serializer. By default it tracks object references by
        // equality (two equal records in one state, the same counts found and repaired, then fail to deserialize) and
        // fills a property's existing object instead of replacing it (which would write into a shared default instance).
        services.Configure<OrleansJsonSerializerOptions>(o =>
        {
            o.JsonSerializerSettings.PreserveReferencesHandling = Newtonsoft.Json.PreserveReferencesHandling.None;
            o.JsonSerializerSettings.ObjectCreationHandling = Newtonsoft.Json.ObjectCreationHandling.Replace;
        });
        services.AddSingleton<AuditStore>();
        services.AddSingleton<AuditChecker>();
        services.AddSingleton<AuditMetrics>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, AuditStartup>();
        return services;
    }
}
