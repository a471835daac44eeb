namespace RelationGraph.Actors.Membership;

/// <summary>The whole membership table of a cluster at one table version.</summary>
/// <param name="Version">The table version; every change of a row increments it (compare-and-swap).</param>
/// <param name="Rows">Every silo row, dead ones included until cleaned up.</param>
public sealed record MembershipTableSnapshot(long Version, IReadOnlyList<MembershipRow> Rows)
{
    /// <summary>The row of <paramref name="silo"/>, if present.</summary>
    public MembershipRow? Find(SiloAddress silo) => Rows.FirstOrDefault(r => r.Entry.Silo == silo);
}
