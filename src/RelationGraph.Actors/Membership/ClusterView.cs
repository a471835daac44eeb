namespace RelationGraph.Actors.Membership;

/// <summary>A silo's view of the cluster: the membership table as last read. Placement uses its active silos.</summary>
/// <param name="Version">The table version it was read at.</param>
/// <param name="Members">Every silo row.</param>
public sealed record ClusterView(long Version, IReadOnlyList<MembershipEntry> Members)
{
    /// <summary>A view with no silos.</summary>
    public static readonly ClusterView Empty = new(-1, []);

    /// <summary>The active silos, in a fixed order.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos { get; } =
        Members.Where(m => m.Status == SiloStatus.Active).Select(m => m.Silo).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>The active silo that owns <paramref name="grainId"/>, or null when none is active.</summary>
    public SiloAddress? PlaceGrain(GrainId grainId) => GrainPlacement.Place(grainId, ActiveSilos);

    /// <summary>The entry of <paramref name="silo"/>, if present.</summary>
    public MembershipEntry? Find(SiloAddress silo) => Members.FirstOrDefault(m => m.Silo == silo);
}
