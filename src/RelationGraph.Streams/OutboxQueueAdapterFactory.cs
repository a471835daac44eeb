using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams;

/// <summary>
/// Orleans' entry point to the outbox stream provider (registered by
/// <see cref="SiloBuilderOutboxStreamExtensions.AddOutboxStreams"/>). The shard set must have started before Orleans
/// initializes stream providers; nothing here touches it before then.
/// </summary>
public sealed class OutboxQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly string _name;
    private readonly ShardSet _shards;
    private readonly StreamOptions _options;
    private readonly Serializer _serializer;
    private readonly StreamMetrics _metrics;
    private readonly StreamQueueSignals? _signals;
    private readonly StreamBackPressure? _backPressure;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly InFlightBatches _inFlight = new();
    private readonly Lock _lock = new();
    private OutboxQueueMapper? _mapper;

    /// <summary>Creates the factory of provider <paramref name="name"/>.</summary>
    public OutboxQueueAdapterFactory(
        string name, ShardSet shards, IOptions<StreamOptions> options, SimpleQueueCacheOptions cacheOptions, Serializer serializer,
        StreamMetrics metrics, ILoggerFactory loggerFactory, StreamQueueSignals? signals = null, StreamBackPressure? backPressure = null,
        TimeProvider? time = null)
    {
        _name = name;
        _shards = shards;
        _options = options.Value;
        _serializer = serializer;
        _metrics = metrics;
        _signals = signals;
        _backPressure = backPressure;
        _time = time ?? TimeProvider.System;
        _loggerFactory = loggerFactory;
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, loggerFactory);
    }

    /// <summary>The factory Orleans calls for provider <paramref name="name"/> (<c>AddPersistentStreams(name, Create, …)</c>).</summary>
    public static IQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        return ActivatorUtilities.CreateInstance<OutboxQueueAdapterFactory>(services, name, services.GetOptionsByName<SimpleQueueCacheOptions>(name));
    }

    /// <inheritdoc />
    public Task<IQueueAdapter> CreateAdapter() =>
        Task.FromResult<IQueueAdapter>(new OutboxQueueAdapter(
            _name, _shards, Mapper, _options, _serializer, _inFlight, _metrics, _signals, _backPressure, _time, _loggerFactory));

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => Mapper;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new OutboxStreamFailureHandler(
            _name, _inFlight, _options, _metrics, _signals, _loggerFactory.CreateLogger($"{typeof(OutboxStreamFailureHandler).FullName}.{_name}")));

    private OutboxQueueMapper Mapper
    {
        get
        {
            lock (_lock)
            {
                return _mapper ??= new OutboxQueueMapper(_name, _shards, _options.QueuesPerDatabase);
            }
        }
    }
}
