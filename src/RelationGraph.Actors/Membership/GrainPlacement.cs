namespace RelationGraph.Actors.Membership;

/// <summary>
/// Rendezvous (highest random weight) hashing: a grain lives on the active silo whose stable hash with the grain
/// id is largest. Every silo and client with the same view computes the same owner without a directory, and a
/// silo leaving moves only the grains it owned.
/// </summary>
public static class GrainPlacement
{
    /// <summary>The owner of <paramref name="grainId"/> among <paramref name="activeSilos"/>, or null when there are none.</summary>
    public static SiloAddress? Place(GrainId grainId, IReadOnlyList<SiloAddress> activeSilos)
    {
        SiloAddress? owner = null;
        var best = 0UL;
        var grain = StableHash.Of(grainId.ToString());
        foreach (var silo in activeSilos)
        {
            var weight = StableHash.Mix(grain ^ silo.PlacementHash);
            if (owner is null || weight > best)
            {
                (owner, best) = (silo, weight);
            }
        }

        return owner;
    }
}
