namespace RelationGraph.Abstractions.Audit;

/// <summary>
/// The auditor's front door, for the REST API and the client SDK: starts and reads audit runs and the real-time check's
/// totals. Stateless; the runs are kept by one coordinator grain per kind. Use key 0.
/// </summary>
[Alias("RelationGraph.IAuditorGrain")]
public interface IAuditorGrain : IGrainWithIntegerKey
{
    /// <summary>Starts a run of <paramref name="kind"/>.</summary>
    /// <exception cref="AuditRunConflictException">A run of that kind is already running.</exception>
    [Alias("StartRunAsync")]
    Task<AuditRun> StartRunAsync(AuditKind kind);

    /// <summary>The run <paramref name="runId"/>; null when there is none.</summary>
    /// <exception cref="ArgumentException">The id is not a run id.</exception>
    [Alias("GetRunAsync")]
    Task<AuditRun?> GetRunAsync(string runId);

    /// <summary>The newest runs of both kinds, newest first, at most <paramref name="limit"/>.</summary>
    [Alias("GetRunsAsync")]
    Task<IReadOnlyList<AuditRun>> GetRunsAsync(int limit);

    /// <summary>The real-time check's totals over every shard, since their checkers started.</summary>
    [Alias("GetRealtimeTotalsAsync")]
    Task<RealtimeAuditTotals> GetRealtimeTotalsAsync();
}
