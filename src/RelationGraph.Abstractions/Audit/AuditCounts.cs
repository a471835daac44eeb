namespace RelationGraph.Abstractions.Audit;

/// <summary>
/// How many divergences of each kind between the two copies of the edges (found, or repaired).
/// <c>following</c> is the source of truth; <c>fans</c> and both counts are derived from it.
/// </summary>
/// <param name="MissingFan">Following active, fan row absent or not active.</param>
/// <param name="OrphanFan">Fan row active, following absent or removed.</param>
/// <param name="StaleFan">Both present, but the fan row carries an older event time.</param>
/// <param name="CountDrift">A stored count differs from the number of active rows.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.AuditCounts")]
public sealed record AuditCounts(
    [property: Id(0)] long MissingFan,
    [property: Id(1)] long OrphanFan,
    [property: Id(2)] long StaleFan,
    [property: Id(3)] long CountDrift)
{
    /// <summary>No divergence at all.</summary>
    public static AuditCounts None => new(0, 0, 0, 0);

    /// <summary>All kinds together.</summary>
    public long Total => MissingFan + OrphanFan + StaleFan + CountDrift;

    /// <summary>The sum of these counts and <paramref name="other"/>.</summary>
    public AuditCounts Add(AuditCounts other) =>
        new(MissingFan + other.MissingFan, OrphanFan + other.OrphanFan, StaleFan + other.StaleFan, CountDrift + other.CountDrift);
}
