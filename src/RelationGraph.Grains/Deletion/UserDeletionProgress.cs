namespace RelationGraph.Grains.Deletion;

/// <summary>A user deletion's checkpoint, in grain storage.</summary>
[GenerateSerializer, Alias("RelationGraph.Deletion.UserDeletionProgress")]
public sealed class UserDeletionProgress
{
    /// <summary>Where the deletion is; <see cref="DeletionPhase.NotStarted"/> when it was never asked for.</summary>
    [Id(0)] public DeletionPhase Phase { get; set; }

    [Id(1)] public DateTimeOffset StartedAt { get; set; }
    [Id(2)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(3)] public long Total { get; set; }
    [Id(4)] public long Removed { get; set; }

    /// <summary>The walk's position among the user's rows: the last (direction, other) removed.</summary>
    [Id(5)] public short AfterDirection { get; set; }
    [Id(6)] public long AfterOther { get; set; }

    /// <summary>Per shard, the shard's clock once the user's mark committed there.</summary>
    [Id(7)] public DateTimeOffset[] MarkedAt { get; set; } = [];

    /// <summary>Per shard, where its fan-copy feeds stood when the walk ended: the newest outbox event and the WAL position.</summary>
    [Id(8)] public long[] FeedSequences { get; set; } = [];
    [Id(9)] public ulong[] FeedLsns { get; set; } = [];

    /// <summary>
    /// When every shard held the mark, and when every shard held the walk's end: each is followed by one
    /// <see cref="ListCacheOptions.ErasureCheckInterval"/>, after which every silo's list caches have heard of it.
    /// </summary>
    [Id(10)] public DateTimeOffset MarksHeldAt { get; set; }
    [Id(11)] public DateTimeOffset WalkEndHeldAt { get; set; }
}
