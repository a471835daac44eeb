namespace RelationGraph.Abstractions.Audit;

/// <summary>The real-time check's totals: edge changes re-checked after the delay, divergences found and repaired.</summary>
/// <param name="Checked">Edge changes re-checked.</param>
/// <param name="Found">Divergences still present after the delay.</param>
/// <param name="Repaired">Divergences repaired.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.RealtimeAuditTotals")]
public sealed record RealtimeAuditTotals([property: Id(0)] long Checked, [property: Id(1)] AuditCounts Found, [property: Id(2)] AuditCounts Repaired)
{
    /// <summary>Nothing checked yet.</summary>
    public static RealtimeAuditTotals None => new(0, AuditCounts.None, AuditCounts.None);

    /// <summary>The sum of these totals and <paramref name="other"/>.</summary>
    public RealtimeAuditTotals Add(RealtimeAuditTotals other) => new(Checked + other.Checked, Found.Add(other.Found), Repaired.Add(other.Repaired));
}
