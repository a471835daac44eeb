using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>A coordinator's saved state: its runs, newest first, and the current run's parts.</summary>
[GenerateSerializer, Alias("RelationGraph.Audit.AuditRunsState")]
public sealed class AuditRunsState
{
    /// <summary>Runs, newest first.</summary>
    [Id(0)]
    public List<AuditRun> Runs { get; set; } = [];

    /// <summary>The number of the last run started.</summary>
    [Id(1)]
    public int LastNumber { get; set; }

    /// <summary>The current run's parts' totals by part number.</summary>
    [Id(2)]
    public Dictionary<int, AuditPartProgress> Parts { get; set; } = [];

    /// <summary>The current run's parts: key of each part grain.</summary>
    [Id(3)]
    public List<string> PartKeys { get; set; } = [];

    /// <summary>The period the schedule reminder was registered with.</summary>
    [Id(4)]
    public TimeSpan? SchedulePeriod { get; set; }
}
