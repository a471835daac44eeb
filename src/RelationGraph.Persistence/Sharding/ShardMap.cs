namespace RelationGraph.Persistence.Sharding;

/// <summary>The assignment of virtual shards to physical shards, as stored in the meta database.</summary>
/// <param name="Databases">The physical shard databases, indexed by shard id.</param>
/// <param name="ShardOfVirtualShard">For each virtual shard, the id of its physical shard.</param>
public sealed record ShardMap(IReadOnlyList<ShardDatabase> Databases, IReadOnlyList<int> ShardOfVirtualShard)
{
    /// <summary>How many virtual shards ids are hashed onto.</summary>
    public int VirtualShards => ShardOfVirtualShard.Count;

    /// <summary>The physical shard id that owns <paramref name="userId"/>.</summary>
    public int ShardOf(long userId) => ShardOfVirtualShard[VirtualShardHash.Of(userId, VirtualShards)];

    /// <summary>A map spreading <paramref name="virtualShards"/> round-robin over <paramref name="databases"/>.</summary>
    public static ShardMap Create(IReadOnlyList<ShardDatabase> databases, int virtualShards) =>
        new(databases, Enumerable.Range(0, virtualShards).Select(v => v % databases.Count).ToArray());
}
