namespace RelationGraph.Actors.Configuration;

/// <summary>
/// Failure detection, as in Orleans: each silo probes a few peers; a peer that misses
/// <see cref="NumMissedProbesLimit"/> probes in a row gets a suspicion vote in the table, and with
/// <see cref="NumVotesForDeathDeclaration"/> fresh votes it is declared dead. With the defaults a dead silo is
/// declared dead within about ProbeTimeout x NumMissedProbesLimit + TableRefreshTimeout = 8 seconds.
/// </summary>
public sealed class ClusterMembershipOptions
{
    /// <summary>How often each probed peer is pinged, and how long a ping may take.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes in a row before voting a peer dead. Orleans' default: 3.</summary>
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>How many peers each silo probes. Orleans' default: 3.</summary>
    public int NumProbedSilos { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (fewer when the cluster has fewer other silos). Orleans' default: 2.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>Votes older than this no longer count. Orleans' default: 2 minutes.</summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the silo re-reads the table to learn of joins, leaves and deaths.</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the silo records that it is alive.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows of silos dead for longer than this are removed from the table.</summary>
    public TimeSpan DefunctSiloExpiration { get; set; } = TimeSpan.FromDays(1);
}
