using Microsoft.Extensions.Options;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Streams.Cdc;

namespace RelationGraph.Silo.Hosting;

/// <summary>
/// Storage joins the silo's lifecycle ahead of Orleans' own runtime: the meta database (with the tables and queries of
/// Orleans' ADO.NET providers) and every shard are migrated and the shard map loaded before membership, reminders or
/// streams start, and in Cdc mode the replication slots exist before the silo serves any follow.
/// </summary>
internal sealed class StorageLifecycle(StorageInitializer storage, ShardSet shards, IOptions<RedundancyOptions> redundancy) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Before <see cref="ServiceLifecycleStage.RuntimeInitialize"/>, where the membership table is first read.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeInitialize - 100;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageLifecycle), Stage, StartAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.InitializeAsync(cancellationToken);
        await CdcReplicationSlots.EnsureSlotsAsync(shards, redundancy.Value.Redundancy == Redundancy.Cdc, cancellationToken);
    }
}
