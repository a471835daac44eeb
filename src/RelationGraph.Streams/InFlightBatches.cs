using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams;

/// <summary>
/// The batches this silo's receivers have leased and handed to Orleans, by read position, until Orleans reports them
/// delivered (the receiver deletes their rows) or failed (the failure handler retries or dead-letters them).
/// One per provider and silo; read positions grow across all of its receivers.
/// </summary>
internal sealed class InFlightBatches
{
    private readonly ConcurrentDictionary<long, LeasedBatch> _batches = new();

    // Seeded from the clock so positions keep growing across receivers of one queue that follow each other in a silo.
    private long _lastPosition = DateTime.UtcNow.Ticks;

    public long NextPosition() => Interlocked.Increment(ref _lastPosition);

    public void Add(long position, LeasedBatch batch) => _batches[position] = batch;

    public bool TryTake(long position, [MaybeNullWhen(false)] out LeasedBatch batch) => _batches.TryRemove(position, out batch);

    /// <summary>The streams (keys) of which <paramref name="owner"/> has a batch out for delivery.</summary>
    public long[] StreamKeysOf(Guid owner) => _batches.Values.Where(b => b.Owner == owner).Select(b => b.StreamKey).Distinct().ToArray();

    /// <summary>The rows <paramref name="owner"/> holds.</summary>
    public long[] RowsOf(Guid owner) => _batches.Values.Where(b => b.Owner == owner).SelectMany(b => b.Rows).ToArray();

    /// <summary>Forgets every batch of <paramref name="owner"/> (its receiver stopped and released them).</summary>
    public void RemoveAll(Guid owner)
    {
        foreach (var entry in _batches.Where(entry => entry.Value.Owner == owner))
        {
            _batches.TryRemove(entry.Key, out _);
        }
    }
}

/// <summary>The rows of one batch container of stream <paramref name="StreamKey"/>, leased by receiver <paramref name="Owner"/>.</summary>
internal sealed record LeasedBatch(Guid Owner, Shard Shard, int Queue, long StreamKey, long[] Rows, DateTimeOffset[] CreatedAt);
