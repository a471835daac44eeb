namespace RelationGraph.Persistence.Sharding;

/// <summary>
/// Maps user ids onto virtual shards. Ids are mixed first (the SplitMix64 finalizer) so sequential ids, which
/// is what most id generators hand out, spread evenly instead of filling one shard after another.
/// </summary>
public static class VirtualShardHash
{
    /// <summary>The virtual shard of <paramref name="id"/> among <paramref name="virtualShards"/>.</summary>
    public static int Of(long id, int virtualShards)
    {
        var x = unchecked((ulong)id);
        x ^= x >> 30;
        x = unchecked(x * 0xbf58476d1ce4e5b9UL);
        x ^= x >> 27;
        x = unchecked(x * 0x94d049bb133111ebUL);
        x ^= x >> 31;
        return (int)(x % (ulong)virtualShards);
    }
}
