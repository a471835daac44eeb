namespace RelationGraph.Streams.Cdc;

/// <summary>
/// What a receiver has handed to Orleans and what it may acknowledge. A transaction's end position may be acknowledged
/// once its commit has been read and none of its changes is still in Orleans' hands; all earlier transactions then are
/// done too, since containers carry changes in commit order. Orleans releases containers through
/// <see cref="Delivered"/> oldest first and leaves out those whose delivery failed for good, so a container handed
/// out before the newest one released, and not released itself, has failed: it must be dead-lettered before the
/// position may pass it. Not thread-safe.
/// </summary>
internal sealed class CdcAcknowledgements
{
    private readonly SortedDictionary<CdcPosition, CdcPending> _unresolved = [];
    private readonly SortedDictionary<CdcPosition, CdcPending> _failed = [];
    private readonly Queue<(long CommitLsn, ulong EndLsn)> _commits = new();

    /// <summary>The slot position below which every change has been delivered or dead-lettered (0: none yet).</summary>
    public ulong Acknowledged { get; private set; }

    /// <summary>How many containers are in Orleans' hands.</summary>
    public int InFlight => _unresolved.Count;

    /// <summary>True when nothing read from the slot waits for delivery, dead-lettering or acknowledgement.</summary>
    public bool IsIdle => _unresolved.Count == 0 && _failed.Count == 0 && _commits.Count == 0;

    /// <summary>Containers Orleans gave up on that still have to be dead-lettered, oldest first.</summary>
    public IReadOnlyCollection<CdcPending> Failed => _failed.Values;

    /// <summary>Records a container handed to Orleans. Containers must be handed out in position order.</summary>
    public void HandedOut(CdcPending pending) => _unresolved.Add(pending.Position, pending);

    /// <summary>Records a commit read after all its changes were handed out.</summary>
    public void Committed(long commitLsn, ulong endLsn) => _commits.Enqueue((commitLsn, endLsn));

    /// <summary>
    /// Records containers Orleans released after delivery; returns how many containers this shows to have failed
    /// (released without delivery).
    /// </summary>
    public int Delivered(IEnumerable<CdcBatchContainer> containers)
    {
        CdcPosition? newest = null;
        foreach (var container in containers)
        {
            var position = CdcPosition.Of(container);
            _unresolved.Remove(position);
            if (newest is null || position.CompareTo(newest.Value) > 0)
            {
                newest = position;
            }
        }

        if (newest is null)
        {
            return 0;
        }

        var failed = _unresolved.Keys.TakeWhile(p => p.CompareTo(newest.Value) < 0).ToList();
        foreach (var position in failed)
        {
            _failed.Add(position, _unresolved[position]);
            _unresolved.Remove(position);
        }

        return failed.Count;
    }

    /// <summary>Records failed containers as dead-lettered.</summary>
    public void DeadLettered(IEnumerable<CdcPending> pending)
    {
        foreach (var item in pending)
        {
            _failed.Remove(item.Position);
        }
    }

    /// <summary>Moves <see cref="Acknowledged"/> as far as it may go; true when it moved.</summary>
    public bool Advance()
    {
        var blocking = long.MaxValue;
        if (_unresolved.Count > 0)
        {
            blocking = _unresolved.Keys.First().CommitLsn;
        }

        if (_failed.Count > 0)
        {
            blocking = Math.Min(blocking, _failed.Keys.First().CommitLsn);
        }

        var before = Acknowledged;
        while (_commits.Count > 0 && _commits.Peek().CommitLsn < blocking)
        {
            Acknowledged = Math.Max(Acknowledged, _commits.Dequeue().EndLsn);
        }

        return Acknowledged > before;
    }

    /// <summary>Acknowledges a position the server reported while nothing was pending (it only ever moves forward).</summary>
    public bool AcknowledgeIdle(ulong position)
    {
        if (!IsIdle || position <= Acknowledged)
        {
            return false;
        }

        Acknowledged = position;
        return true;
    }
}

/// <summary>A change's position in a slot: its transaction's commit LSN, then its index among that transaction's changes.</summary>
internal readonly record struct CdcPosition(long CommitLsn, int Index) : IComparable<CdcPosition>
{
    public static CdcPosition Of(CdcBatchContainer container) => new(container.Token.SequenceNumber, container.Token.EventIndex);

    public int CompareTo(CdcPosition other)
    {
        var byCommit = CommitLsn.CompareTo(other.CommitLsn);
        return byCommit != 0 ? byCommit : Index.CompareTo(other.Index);
    }
}

/// <summary>A container in Orleans' hands, with each change's own LSN (the key of its dead letter).</summary>
internal sealed record CdcPending(CdcBatchContainer Container, long[] ChangeLsns)
{
    public CdcPosition Position => CdcPosition.Of(Container);
}
