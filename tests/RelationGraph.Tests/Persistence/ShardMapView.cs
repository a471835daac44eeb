using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Tests.Persistence;

/// <summary>A shard map in a form with value equality, for comparing maps.</summary>
internal sealed record ShardMapView(string Databases, string Assignment)
{
    public static ShardMapView Of(ShardMap map) =>
        new(string.Join(',', map.Databases.Select(d => $"{d.ShardId}:{d.Database}")), string.Join(',', map.ShardOfVirtualShard));
}
