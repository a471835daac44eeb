using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Streams;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Streams.Cdc;

/// <summary>Hosting of the Cdc stream provider.</summary>
public static class CdcStreamingExtensions
{
    /// <summary>
    /// Adds the Cdc stream provider <paramref name="name"/>: each shard's replication slot is a queue of Orleans'
    /// persistent streams, turned into <c>FollowChanged</c> events on the <see cref="CdcStreamOptions.StreamNamespace"/>
    /// stream of the followee, each slot read by one silo (<see cref="StreamQueueBalancing.UsePostgresLeaseBasedQueueBalancer"/>).
    /// Subscriptions are implicit only (the fan grain). The slots must exist first: call
    /// <see cref="CdcReplicationSlots.EnsureSlotsAsync"/> at silo start. Needs <c>ShardSet</c> in the silo's services.
    /// </summary>
    public static ISiloBuilder AddCdcStreams(
        this ISiloBuilder builder, string name, Action<CdcStreamOptions>? configureOptions = null, Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.AddPersistentStreams(name, CdcQueueAdapterFactory.Create, stream =>
        {
            stream.Configure<CdcStreamOptions>(options => options.Configure(o => configureOptions?.Invoke(o)));
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.ConfigurePullingAgent(agent => agent.Configure(o => o.StreamInactivityPeriod = StreamOptions.StreamInactivityPeriod));
            stream.UsePostgresLeaseBasedQueueBalancer();
            configureStream?.Invoke(stream);
        });
    }
}
