namespace RelationGraph.Persistence.Audit;

/// <summary>One follow edge, in the auditor's key order: by follower, then followee.</summary>
public readonly record struct EdgePair(long Follower, long Followee) : IComparable<EdgePair>
{
    /// <summary>Before every real edge (ids are greater than zero).</summary>
    public static EdgePair Start { get; } = new(0, 0);

    /// <inheritdoc />
    public int CompareTo(EdgePair other)
    {
        var byFollower = Follower.CompareTo(other.Follower);
        return byFollower != 0 ? byFollower : Followee.CompareTo(other.Followee);
    }

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    public static bool operator <(EdgePair left, EdgePair right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    public static bool operator >(EdgePair left, EdgePair right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> sorts before or with <paramref name="right"/>.</summary>
    public static bool operator <=(EdgePair left, EdgePair right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> sorts after or with <paramref name="right"/>.</summary>
    public static bool operator >=(EdgePair left, EdgePair right) => left.CompareTo(right) >= 0;
}
