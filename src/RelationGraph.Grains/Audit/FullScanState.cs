namespace RelationGraph.Grains.Audit;

/// <summary>A full-scan segment's checkpoint: where it is in the merge and in the count check.</summary>
[GenerateSerializer, Alias("RelationGraph.Audit.FullScanState")]
public sealed class FullScanState : AuditPartState
{
    [Id(0)] public long First { get; set; }
    [Id(1)] public long Last { get; set; }

    /// <summary>The last edge merged: (follower, followee).</summary>
    [Id(2)] public long AfterFollower { get; set; }
    [Id(3)] public long AfterFollowee { get; set; }

    /// <summary>0: merging edges; 1: checking counts; 2: done.</summary>
    [Id(4)] public int Phase { get; set; }

    /// <summary>The counts being checked: shard index, direction (1 or 2), and the last owner done.</summary>
    [Id(5)] public int CountShard { get; set; }
    [Id(6)] public short CountDirection { get; set; } = 1;
    [Id(7)] public long CountAfter { get; set; }

    [Id(8)] public long Purged { get; set; }
    [Id(9)] public DateTimeOffset StartedAt { get; set; }
}
