namespace RelationGraph.Persistence.Sharding;

/// <summary>One physical shard database.</summary>
/// <param name="ShardId">The shard's id, from 0.</param>
/// <param name="Database">The database name.</param>
/// <param name="ConnectionString">The server's connection string, or null when the shard lives on the meta database's server.</param>
public sealed record ShardDatabase(int ShardId, string Database, string? ConnectionString);
