using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RelationGraph.Abstractions;

namespace RelationGraph.Persistence.Sharding;

/// <summary>All physical shards of the service, routed by the shard map. Owns one pool per shard database; each shard also holds the outbox queues of the writes made on it.</summary>
public sealed class ShardSet(ILogger<ShardSet>? logger = null) : IAsyncDisposable
{
    private ShardMap? _map;
    private IReadOnlyList<Shard> _shards = [];

    /// <summary>The shard map; throws until storage has started.</summary>
    public ShardMap Map => _map ?? throw new InvalidOperationException("Storage has not started yet.");

    /// <summary>Every shard, indexed by shard id.</summary>
    public IReadOnlyList<Shard> All => _map is null ? throw new InvalidOperationException("Storage has not started yet.") : _shards;

    /// <summary>The shard owning <paramref name="userId"/>'s rows.</summary>
    public Shard For(UserId userId) => All[Map.ShardOf(userId.Value)];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync();
        }
    }

    internal void Initialize(ShardMap map, IReadOnlyList<Shard> shards)
    {
        foreach (var shard in shards)
        {
            shard.Logger = logger ?? (ILogger)NullLogger.Instance;
        }

        _shards = shards;
        _map = map;
    }
}
