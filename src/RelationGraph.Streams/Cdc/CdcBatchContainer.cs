using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;

namespace RelationGraph.Streams.Cdc;

/// <summary>
/// Changes of one followee read from one shard's slot, delivered together (one call of the fan grain's batch observer).
/// Every change has its own position in the slot: the commit LSN of its transaction and its index within that
/// transaction, so positions are stable across replays and increase in commit order. The container's token is the
/// position of its first change.
/// </summary>
[GenerateSerializer, Immutable, Alias("RelationGraph.Streams.Cdc.CdcBatchContainer")]
public sealed class CdcBatchContainer : IBatchContainer
{
    /// <summary>Creates a container; <paramref name="commitLsns"/> and <paramref name="indexes"/> give each change's position, ascending.</summary>
    public CdcBatchContainer(StreamId streamId, FollowChanged[] changes, long[] commitLsns, int[] indexes, string?[]? traceParents = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(changes.Length);
        if (commitLsns.Length != changes.Length || indexes.Length != changes.Length)
        {
            throw new ArgumentException("Every change needs a position.", nameof(changes));
        }

        StreamId = streamId;
        _changes = changes;
        _commitLsns = commitLsns;
        _indexes = indexes;
        _traceParents = traceParents is { } parents && parents.Length == changes.Length && parents.Any(p => p is not null) ? parents : null;
        Token = new EventSequenceTokenV2(commitLsns[0], indexes[0]);
    }

    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; }

    [Id(1)]
    private readonly FollowChanged[] _changes;

    [Id(2)]
    private readonly long[] _commitLsns;

    [Id(3)]
    private readonly int[] _indexes;

    [Id(5)]
    private readonly string?[]? _traceParents;

    /// <summary>The changes, in commit order.</summary>
    public IReadOnlyList<FollowChanged> Changes => _changes;

    /// <summary>The commit LSN of each change's transaction.</summary>
    public IReadOnlyList<long> CommitLsns => _commitLsns;

    /// <summary>Each change's index among the changes of its transaction.</summary>
    public IReadOnlyList<int> Indexes => _indexes;

    /// <summary>The position of the first change.</summary>
    [Id(4)]
    public EventSequenceTokenV2 Token { get; }

    /// <inheritdoc />
    public StreamSequenceToken SequenceToken => Token;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < _changes.Length; i++)
        {
            if (_changes[i] is T change)
            {
                yield return Tuple.Create(change, (StreamSequenceToken)new EventSequenceTokenV2(_commitLsns[i], _indexes[i]));
            }
        }
    }

    /// <summary>
    /// Hands the changes' trace contexts (announced in the replication log with each follow) to the subscriber, in
    /// change order, so that each fan write joins its follow's trace.
    /// </summary>
    public bool ImportRequestContext()
    {
        if (_traceParents is null)
        {
            return false;
        }

        RequestContext.Set(RelationGraphTracing.BatchTraceParentsKey, _traceParents);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{StreamId} [{Token}] x{_changes.Length}";
}
