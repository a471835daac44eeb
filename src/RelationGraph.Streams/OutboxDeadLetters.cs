using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams;

/// <summary>The dead-letter tables (<c>stream_dead_letters</c> on each shard): events whose delivery kept failing.</summary>
public static class OutboxDeadLetters
{
    private const int ReplayBatch = 10_000;

    /// <summary>
    /// Moves every dead-lettered event of every shard back into its queue, as a new row (new <c>sequence</c>, the original
    /// <c>created_at</c>), to be delivered again; returns how many moved. Fix what made the deliveries fail first. Changes
    /// dead-lettered by the Cdc feed (queue -1) stay: their source of truth is the <c>following</c> row, which the auditor repairs from.
    /// </summary>
    public static async Task<long> ReplayAsync(ShardSet shards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shards);
        long moved = 0;
        foreach (var shard in shards.All)
        {
            moved += await ReplayAsync(shard, cancellationToken);
        }

        return moved;
    }

    /// <summary>Moves every dead-lettered event of <paramref name="shard"/> back into its queue; returns how many moved.</summary>
    public static async Task<long> ReplayAsync(Shard shard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shard);
        long moved = 0;
        int batch;
        do
        {
            batch = await OutboxSql.ReplayAsync(shard, ReplayBatch, cancellationToken);
            moved += batch;
        }
        while (batch == ReplayBatch);

        return moved;
    }
}
