using Orleans.Concurrency;
using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>The coordinator of one kind of run, keyed by the kind's name (<c>full</c>, <c>incremental</c>): keeps the run objects.</summary>
[Alias("RelationGraph.Audit.IAuditRunGrain")]
public interface IAuditRunGrain : IGrainWithStringKey
{
    /// <summary>Starts a run; throws <see cref="AuditRunConflictException"/> when one is running.</summary>
    [Alias("StartAsync")]
    Task<AuditRun> StartAsync();

    /// <summary>The run <paramref name="runId"/>, or null. Interleaves: it only reads the saved runs.</summary>
    [AlwaysInterleave]
    [Alias("GetRunAsync")]
    Task<AuditRun?> GetRunAsync(string runId);

    /// <summary>The newest runs first. Interleaves.</summary>
    [AlwaysInterleave]
    [Alias("GetRunsAsync")]
    Task<IReadOnlyList<AuditRun>> GetRunsAsync(int limit);

    /// <summary>
    /// A part's totals so far. One-way, so a part never waits on its coordinator while the coordinator may be calling it
    /// (that cycle would deadlock two non-reentrant grains); a lost report is superseded by the next, and a finished part
    /// reports again whenever the coordinator's resume reminder calls it.
    /// </summary>
    [OneWay]
    [Alias("ReportAsync")]
    Task ReportAsync(string runId, int part, AuditPartProgress progress);

    /// <summary>Registers the kind's schedule reminder unless it exists with the configured period.</summary>
    [Alias("EnsureScheduledAsync")]
    Task EnsureScheduledAsync();
}
