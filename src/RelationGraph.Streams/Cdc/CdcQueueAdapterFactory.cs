using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams.Cdc;

/// <summary>
/// The Cdc stream provider's factory: one queue per shard, read from the shard's logical replication slot. Orleans'
/// pulling agents and queue balancer decide which silo reads which slot. Nothing here touches the shards before Orleans
/// asks for the mapper or a receiver, by which time storage has started.
/// </summary>
public sealed class CdcQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly string _name;
    private readonly CdcStreamOptions _options;
    private readonly ShardSet _shards;
    private readonly Serializer _serializer;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly Lazy<CdcQueueMapper> _mapper;
    private readonly FanBucketMap? _fanBuckets;

    /// <summary>
    /// Creates the factory of provider <paramref name="name"/>. With <paramref name="fanBuckets"/>, a followee's changes go
    /// to the stream of the follower's bucket once the followee is in buckets.
    /// </summary>
    public CdcQueueAdapterFactory(
        string name,
        CdcStreamOptions options,
        SimpleQueueCacheOptions cacheOptions,
        ShardSet shards,
        Serializer serializer,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        FanBucketMap? fanBuckets = null)
    {
        _fanBuckets = fanBuckets;
        _name = name;
        _options = options;
        _shards = shards;
        _serializer = serializer;
        _time = time;
        _loggerFactory = loggerFactory;
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, loggerFactory);
        _mapper = new Lazy<CdcQueueMapper>(() => new CdcQueueMapper(_name, _shards.All.Count));
    }

    /// <summary>Creates the factory of provider <paramref name="name"/> from the silo's services (for <c>AddPersistentStreams</c>).</summary>
    public static CdcQueueAdapterFactory Create(IServiceProvider services, string name) =>
        new(
            name,
            services.GetRequiredService<IOptionsMonitor<CdcStreamOptions>>().Get(name),
            services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name),
            services.GetRequiredService<ShardSet>(),
            services.GetRequiredService<Serializer>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>(),
            services.GetService<FanBucketMap>());

    /// <inheritdoc />
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    /// <inheritdoc />
    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        Task.FromResult<IQueueAdapter>(new CdcQueueAdapter(_name, CreateReceiver));

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper.Value;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new CdcDeliveryFailureHandler(_loggerFactory.CreateLogger<CdcDeliveryFailureHandler>(), queueId));

    private CdcQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var shards = _shards.All;
        var shard = CdcQueueMapper.ShardOf(queueId);
        if (shard < 0 || shard >= shards.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(queueId), queueId, $"Stream provider {_name} has no shard {shard}.");
        }

        return new CdcQueueAdapterReceiver(_name, queueId, shards[shard], _options, _serializer, _time, _loggerFactory.CreateLogger<CdcQueueAdapterReceiver>(), _fanBuckets);
    }
}
