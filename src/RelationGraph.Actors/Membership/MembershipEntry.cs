namespace RelationGraph.Actors.Membership;

/// <summary>One silo's row in the membership table.</summary>
/// <param name="Silo">The silo incarnation.</param>
/// <param name="SiloName">Its name, for people.</param>
/// <param name="GatewayPort">The port clients connect to.</param>
/// <param name="Status">Its state.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="IAmAliveTime">When it last said it is alive.</param>
/// <param name="Suspicions">Peers' votes that it is dead.</param>
public sealed record MembershipEntry(
    SiloAddress Silo,
    string SiloName,
    int GatewayPort,
    SiloStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset IAmAliveTime,
    IReadOnlyList<SuspectVote> Suspicions);
