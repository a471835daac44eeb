using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// Once the silo is active, makes sure the auditor's reminders exist: each run kind's schedule and each shard's real-time
/// checker. Idempotent, so every silo does it at start; the reminders then live in the reminder table, not in any silo.
/// </summary>
public sealed partial class AuditStartup(IGrainFactory grains, ShardSet shards, IOptions<AuditOptions> options, ILogger<AuditStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AuditStartup), ServiceLifecycleStage.Active, cancellationToken =>
        {
            // Not awaited: a silo must not wait at start for grains that may be placed on silos still joining.
            _ = Task.Run(EnsureRemindersAsync, CancellationToken.None);
            return Task.CompletedTask;
        });

    private async Task EnsureRemindersAsync()
    {
        try
        {
            if (options.Value.Scheduled)
            {
                await grains.GetGrain<IAuditRunGrain>(AuditorGrain.KindName(AuditKind.Full)).EnsureScheduledAsync();
                await grains.GetGrain<IAuditRunGrain>(AuditorGrain.KindName(AuditKind.Incremental)).EnsureScheduledAsync();
            }

            if (options.Value.RealtimeEnabled)
            {
                await Task.WhenAll(shards.All.Select(s => grains.GetGrain<IRealtimeAuditGrain>(s.Database.ShardId).EnsureRunningAsync()));
            }
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The auditor's reminders could not be checked at start; the next silo start tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
