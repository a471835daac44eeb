using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Grains.Deletion;

public sealed partial class UserDeletionGrain
{
    private const int DeadLettersPerRead = 1_000;

    /// <summary>
    /// Removes the dead letters of <paramref name="shard"/> whose event names the user as its source: a follow or friend
    /// ask the user made, kept under the other user's stream key, so only its payload tells (those under the user's own
    /// key go with the rest in the last step). Dead letters are few, so reading them all once per deletion is cheap.
    /// </summary>
    private async Task EraseOwnDeadLettersAsync(Shard shard, CancellationToken cancellationToken)
    {
        var after = (Queue: int.MinValue, Sequence: long.MinValue);
        while (true)
        {
            var letters = await EdgeStore.ReadDeadLettersAsync(shard, after, DeadLettersPerRead, cancellationToken);
            var own = letters.Where(l => IsMine(l.Payload)).Select(l => (l.Queue, l.Sequence)).ToList();
            if (own.Count > 0)
            {
                await EdgeStore.DeleteDeadLettersAsync(shard, own, cancellationToken);
            }

            if (letters.Count < DeadLettersPerRead)
            {
                return;
            }

            after = (letters[^1].Queue, letters[^1].Sequence);
        }
    }

    private bool IsMine(byte[] payload)
    {
        try
        {
            return serializer.Deserialize<object>(payload) is FollowChanged change && change.Follower == Me;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not an event of this service's (or of a version this silo cannot read): nothing this silo can tell is the user's.
            return false;
        }
    }
}
