using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>A full-scan segment's checkpoint: where it is, its totals, and the repairs it decided but may not have applied.</summary>
[GenerateSerializer, Alias("RelationGraph.Audit.FullScanState")]
public sealed class FullScanState
{
    [Id(0)] public string? RunId { get; set; }
    [Id(1)] public int Part { get; set; }
    [Id(2)] public long First { get; set; }
    [Id(3)] public long Last { get; set; }

    /// <summary>The last edge merged: (follower, followee).</summary>
    [Id(4)] public long AfterFollower { get; set; }
    [Id(5)] public long AfterFollowee { get; set; }

    /// <summary>0: merging edges; 1: checking counts; 2: done.</summary>
    [Id(6)] public int Phase { get; set; }

    /// <summary>The counts being checked: shard index, direction (1 or 2), and the last owner done.</summary>
    [Id(7)] public int CountShard { get; set; }
    [Id(8)] public short CountDirection { get; set; } = 1;
    [Id(9)] public long CountAfter { get; set; }

    [Id(10)] public long Scanned { get; set; }
    [Id(11)] public AuditCounts Found { get; set; } = AuditCounts.None;
    [Id(12)] public AuditCounts Repaired { get; set; } = AuditCounts.None;
    [Id(13)] public long Purged { get; set; }
    [Id(14)] public PendingRepairs Pending { get; set; } = new();
    [Id(15)] public DateTimeOffset StartedAt { get; set; }
    [Id(16)] public int Failures { get; set; }
}
