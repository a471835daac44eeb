namespace RelationGraph.Grains.Audit;

/// <summary>One part of a run: a segment of a full scan, or a shard's incremental scan.</summary>
[Alias("RelationGraph.Audit.IAuditPartGrain")]
public interface IAuditPartGrain : IGrainWithStringKey
{
    /// <summary>Starts part <paramref name="part"/> of run <paramref name="runId"/>, covering followers (or, for an incremental part, shard) <paramref name="first"/> to <paramref name="last"/>; idempotent.</summary>
    [Alias("StartAsync")]
    Task StartAsync(string runId, int part, long first, long last);

    /// <summary>Resumes the part's work from its checkpoint if it is not finished (after its silo died).</summary>
    [Alias("EnsureRunningAsync")]
    Task EnsureRunningAsync();
}

/// <summary>A segment of a full scan, keyed <c>{runId}/{segment}</c>.</summary>
[Alias("RelationGraph.Audit.IFullScanGrain")]
public interface IFullScanGrain : IAuditPartGrain;

/// <summary>The incremental scan of one shard, keyed by the shard id: its checkpoint outlives runs.</summary>
[Alias("RelationGraph.Audit.IIncrementalScanGrain")]
public interface IIncrementalScanGrain : IAuditPartGrain;
