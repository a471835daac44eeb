using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Tests.Persistence;

public sealed class VirtualShardHashTests
{
    [Theory]
    [InlineData(1L, 4)]
    [InlineData(1L, 7)]
    [InlineData(1_000_000_000_000L, 4)]
    public void Sequential_ids_spread_within_five_percent_of_even_over_physical_shards(long firstId, int shards)
    {
        const int ids = 100_000;
        var map = ShardMap.Create(Enumerable.Range(0, shards).Select(i => new ShardDatabase(i, $"s{i}", null)).ToList(), 4096);
        var perShard = new int[shards];
        for (var id = firstId; id < firstId + ids; id++)
        {
            perShard[map.ShardOf(id)]++;
        }

        var even = (double)ids / shards;
        Assert.All(perShard, count => Assert.InRange(count, even * 0.95, even * 1.05));
    }

    [Fact]
    public void Sequential_ids_use_every_virtual_shard()
    {
        var used = new HashSet<int>();
        for (var id = 1L; id <= 100_000; id++)
        {
            used.Add(VirtualShardHash.Of(id, 4096));
        }

        Assert.Equal(4096, used.Count);
    }

    [Fact]
    public void Ids_with_a_common_stride_still_spread()
    {
        var perShard = new int[4];
        var map = ShardMap.Create(Enumerable.Range(0, 4).Select(i => new ShardDatabase(i, $"s{i}", null)).ToList(), 4096);
        for (var i = 1L; i <= 100_000; i++)
        {
            perShard[map.ShardOf(i * 4096)]++;
        }

        Assert.All(perShard, count => Assert.InRange(count, 23_750, 26_250));
    }

    [Fact]
    public void The_same_id_always_maps_to_the_same_virtual_shard() =>
        Assert.Equal(VirtualShardHash.Of(123_456_789, 4096), VirtualShardHash.Of(123_456_789, 4096));
}
