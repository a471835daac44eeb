using Orleans.Serialization;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Grains;

/// <summary>
/// Writes the source row of a weak relation (a follow or a friend ask) and has its reverse copy follow according to the
/// deployment's <see cref="Redundancy"/>: the reverse owner's <see cref="FanGrain"/> applies it before the answer (Sync),
/// from a stream event committed with the write (Stream), or from the replication log (Cdc). A celebrity's copies go to
/// the bucket of the follower instead (<see cref="FanBucketGrain"/>), once this silo knows the celebrity is in buckets.
/// </summary>
internal sealed class SourceWrites(EdgeStore store, Serializer serializer, Redundancy redundancy, IGrainFactory grains, FanBucketMap fanBuckets)
{
    /// <summary>
    /// Writes <paramref name="change"/> into <paramref name="direction"/>; a write refused by a block throws
    /// <see cref="RelationBlockedException"/>. An <paramref name="unread"/> write, sent without reading the edge first,
    /// applies only when it flips the edge with a newer event; otherwise nothing is written and the answer is
    /// <see cref="EdgeOutcome.Unapplied"/>.
    /// </summary>
    public async Task<EdgeOutcome> WriteAsync(EdgeDirection direction, FollowChanged change, bool unread = false)
    {
        var stream = StreamOf(change);
        var outbox = redundancy == Redundancy.Stream ? new StreamEvent(stream, change.Followee.Value, serializer.SerializeToArray<object>(change)) : null;
        var outcome = await store.ApplyEventAsync(direction, change.Follower, change.Followee, change.State, change.OccurredAt, outbox, unread);
        if (outcome is EdgeOutcome.OwnerBlocks or EdgeOutcome.BlockedByOther)
        {
            throw RelationBlockedException.Of(change.Follower, change.Followee, outcome == EdgeOutcome.BlockedByOther);
        }

        if (redundancy == Redundancy.Sync && outcome != EdgeOutcome.Unapplied)
        {
            await ApplyCopyAsync(change, stream);
        }

        return outcome;
    }

    /// <summary>
    /// The source already holds <paramref name="stored"/>. In Sync mode it is delivered again: applying it is idempotent,
    /// and it repairs a reverse copy that missed it (say its shard was down when the first request wrote the source).
    /// </summary>
    public Task RepeatAsync(FollowChanged stored) =>
        redundancy == Redundancy.Sync ? ApplyCopyAsync(stored, StreamOf(stored)) : Task.CompletedTask;

    private string StreamOf(FollowChanged change) => fanBuckets.StreamOf(RedundancyOptions.FollowStream, change.Followee, change.Follower);

    /// <summary>The copy's grain is the implicit subscriber of its stream: the fan grain, or the bucket keyed by the stream's namespace.</summary>
    private Task ApplyCopyAsync(FollowChanged change, string stream) => stream == RedundancyOptions.FollowStream
        ? grains.GetGrain<IFanGrain>(change.Followee.Value).ApplyAsync(change)
        : grains.GetGrain<IFanBucketGrain>(change.Followee.Value, stream).ApplyAsync(change);
}
