using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Serialization;

namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>Persistent streams on PostgreSQL queues.</summary>
public static class PostgresStreamsSiloBuilderExtensions
{
    /// <summary>
    /// Adds persistent streams: pulling agents for the queues in the databases an <see cref="IStreamQueueDatabases"/>
    /// supplies, balanced over the cluster's silos. Needs clustering.
    /// </summary>
    public static ISiloBuilder AddPostgresStreams(this ISiloBuilder builder, Action<StreamOptions>? configure = null)
    {
        var services = builder.Services;
        services.AddOptions<StreamOptions>()
            .Configure(o => configure?.Invoke(o))
            .Validate(o => o.QueuesPerDatabase > 0 && o.BatchSize > 0 && o.MaxDeliveryAttempts > 0 && o.MaxQueueDepth > 0, "Stream queue settings must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.MaxPollInterval >= o.PollInterval, "Stream poll intervals must be positive, the maximum at least the first.")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<StreamMetrics>();
        services.TryAddSingleton<StreamSubscriptions>();
        services.TryAddSingleton<StreamBackPressure>();
        services.TryAddSingleton<StreamQueueSignals>();
        services.AddHostedService<PullingAgentManager>();
        return builder;
    }

    /// <summary>
    /// Subscribes grain <typeparamref name="TGrain"/> implicitly to namespace <paramref name="streamNamespace"/>: events of the
    /// stream with key K are deserialized as <typeparamref name="TEvent"/> and given to grain K by <paramref name="deliver"/>,
    /// in order, as many at once as a pulled batch holds for K (like Orleans' batch observers), so a busy stream costs one
    /// grain call per batch rather than one per event. A batch that fails is retried one event at a time.
    /// </summary>
    public static ISiloBuilder AddImplicitStreamSubscription<TGrain, TEvent>(
        this ISiloBuilder builder, string streamNamespace, Func<TGrain, IReadOnlyList<TEvent>, Task> deliver)
        where TGrain : IGrainWithIntegerKey
    {
        builder.Services.AddSingleton(new StreamSubscription(
            streamNamespace,
            (grains, key, payloads) => deliver(
                grains.GetGrain<TGrain>(key),
                payloads.Select(payload => WireSerializer.Deserialize<TEvent>(payload)
                    ?? throw new InvalidDataException($"An empty {typeof(TEvent).Name} in stream '{streamNamespace}'.")).ToList())));
        return builder;
    }
}
