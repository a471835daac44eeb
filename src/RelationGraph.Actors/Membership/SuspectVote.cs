namespace RelationGraph.Actors.Membership;

/// <summary>A peer's vote that a silo is dead, after it missed that peer's probes.</summary>
/// <param name="Suspecter">The silo that voted.</param>
/// <param name="At">When.</param>
public sealed record SuspectVote(SiloAddress Suspecter, DateTimeOffset At);
