using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Streams;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Streams;

/// <summary>Adds the outbox stream provider to a silo.</summary>
public static class SiloBuilderOutboxStreamExtensions
{
    /// <summary>
    /// Adds persistent stream provider <paramref name="name"/> whose queues are the outbox tables (<c>stream_events</c>) of
    /// every shard: shards × <see cref="StreamOptions.QueuesPerDatabase"/> queues, divided evenly among the silos by Orleans'
    /// lease-based balancer (<see cref="StreamQueueBalancing.UsePostgresLeaseBasedQueueBalancer"/>) and pulled by its
    /// pulling agents, with Orleans' simple queue cache. Settings come from the
    /// application's <see cref="StreamOptions"/> (bind <see cref="StreamOptions.SectionName"/>), which the edge store uses
    /// too. Subscriptions are implicit only (<c>[ImplicitStreamSubscription]</c>), so no <c>PubSubStore</c> grain storage is
    /// needed. <paramref name="configure"/> runs last and may change any Orleans setting.
    /// Clients need no counterpart: they neither produce to nor consume from this provider.
    /// </summary>
    public static ISiloBuilder AddOutboxStreams(this ISiloBuilder builder, string name, Action<ISiloPersistentStreamConfigurator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);

        var services = builder.Services;
        services.AddOptions<StreamOptions>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamMetrics>();
        services.TryAddSingleton<StreamQueueSignals>();
        services.TryAddSingleton<StreamBackPressure>();
        services.AddTransient<IConfigurationValidator>(sp => new OutboxStreamOptionsValidator(
            sp.GetRequiredService<IOptions<StreamOptions>>().Value, sp.GetOptionsByName<StreamPullingAgentOptions>(name), name));

        return builder.AddPersistentStreams(name, OutboxQueueAdapterFactory.Create, streams =>
        {
            streams.ConfigurePullingAgent(agent => agent.Configure<IOptions<StreamOptions>>((o, settings) =>
            {
                o.GetQueueMsgsTimerPeriod = settings.Value.PollInterval;
                o.MaxEventDeliveryTime = OutboxDeliveryBackoff.DeliveryWindow(settings.Value);

                // One container already holds all events of its stream from one read; see OutboxStreamOptionsValidator.
                o.BatchContainerBatchSize = 1;
                o.StreamInactivityPeriod = StreamOptions.StreamInactivityPeriod;
            }));
            streams.Configure<SimpleQueueCacheOptions>(cache => cache.Configure<IOptions<StreamOptions>>((o, settings) =>
                o.CacheSize = Math.Max(SimpleQueueCacheOptions.DEFAULT_CACHE_SIZE, settings.Value.BatchSize * 16)));
            streams.ConfigureBackoffProvider((sp, _) => new OutboxDeliveryBackoff(sp.GetRequiredService<IOptions<StreamOptions>>().Value, sp.GetRequiredService<StreamMetrics>()));
            streams.ConfigureBackoffProvider((_, _) => new OutboxReadBackoff());
            streams.UsePostgresLeaseBasedQueueBalancer();
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            configure?.Invoke(streams);
        });
    }
}
