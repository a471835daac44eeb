namespace RelationGraph.Grains.Audit;

/// <summary>The auditor's settings, section <c>RelationGraph:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:Audit";

    /// <summary>The silo's grain storage provider, where runs and checkpoints are kept.</summary>
    public const string GrainStorageName = "relationgraph";

    /// <summary>Whether the real-time check runs (one checker grain per shard).</summary>
    public bool RealtimeEnabled { get; set; } = true;

    /// <summary>How long after an edge change the real-time check reads both copies again.</summary>
    public TimeSpan RealtimeDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every change of a followee with at least this many fans is re-checked.</summary>
    public long RealtimeFanThreshold { get; set; } = 10_000;

    /// <summary>The share of the other changes that is re-checked, 0 to 1.</summary>
    public double RealtimeSampleRate { get; set; } = 0.01;

    /// <summary>How often each shard's checker reads its change log.</summary>
    public TimeSpan RealtimePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most changes a checker holds waiting for their delay; beyond it, the incremental scan covers them.</summary>
    public int RealtimeMaxPending { get; set; } = 100_000;

    /// <summary>Whether the incremental and full runs are started by their reminders.</summary>
    public bool Scheduled { get; set; } = true;

    /// <summary>How often the incremental scan runs.</summary>
    public TimeSpan IncrementalInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the full scan runs.</summary>
    public TimeSpan FullInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The full scan's pace in edges compared per second over the whole cluster; 0: unthrottled.</summary>
    public double FullScanEdgesPerSecond { get; set; } = 200_000;

    /// <summary>Rows read per shard and side in one keyset page.</summary>
    public int PageSize { get; set; } = 10_000;

    /// <summary>Segments of the follower id space a full scan is split into, one grain each; 0: one per shard.</summary>
    public int Segments { get; set; }

    /// <summary>Removed edges older than this are deleted on both sides by the full scan.</summary>
    public TimeSpan TombstoneHorizon { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often a running run's reminder checks that every part is active (after a silo died, it reactivates them elsewhere).</summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a part works in one turn before it saves its checkpoint and lets other calls in.</summary>
    public TimeSpan SliceDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A warning is logged when a run's or the real-time check's inconsistency rate passes this share.</summary>
    public double WarningRate { get; set; } = 0.0001;

    /// <summary>Runs of each kind kept.</summary>
    public int History { get; set; } = 50;
}
