using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>The real-time check of one shard's changes, keyed by shard id.</summary>
[Alias("RelationGraph.Audit.IRealtimeAuditGrain")]
public interface IRealtimeAuditGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the checker runs, with its reminder.</summary>
    [Alias("EnsureRunningAsync")]
    Task EnsureRunningAsync();

    /// <summary>Totals since this checker started.</summary>
    [Alias("GetTotalsAsync")]
    Task<RealtimeAuditTotals> GetTotalsAsync();
}
