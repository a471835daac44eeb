using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>The coordinator of one kind of run, keyed by the kind's name (<c>full</c>, <c>incremental</c>): keeps the run objects.</summary>
[Alias("RelationGraph.Audit.IAuditRunGrain")]
public interface IAuditRunGrain : IGrainWithStringKey
{
    /// <summary>Starts a run; throws <see cref="AuditRunConflictException"/> when one is running.</summary>
    [Alias("StartAsync")]
    Task<AuditRun> StartAsync();

    /// <summary>The run <paramref name="runId"/>, or null.</summary>
    [Alias("GetRunAsync")]
    Task<AuditRun?> GetRunAsync(string runId);

    /// <summary>The newest runs first.</summary>
    [Alias("GetRunsAsync")]
    Task<IReadOnlyList<AuditRun>> GetRunsAsync(int limit);

    /// <summary>A part's totals so far.</summary>
    [Alias("ReportAsync")]
    Task ReportAsync(string runId, int part, AuditPartProgress progress);

    /// <summary>Registers the kind's schedule reminder unless it exists with the configured period.</summary>
    [Alias("EnsureScheduledAsync")]
    Task EnsureScheduledAsync();
}
