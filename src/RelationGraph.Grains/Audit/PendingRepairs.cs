using RelationGraph.Abstractions;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// Repairs decided but not yet confirmed applied, saved in a part's checkpoint before they are applied: a part killed
/// in between applies them again when it resumes (every repair is idempotent), so its totals come out the same.
/// </summary>
[GenerateSerializer, Alias("RelationGraph.Audit.PendingRepairs")]
public sealed class PendingRepairs
{
    /// <summary>Fan rows to write: follower, followee, state, event time.</summary>
    [Id(0)]
    public List<FanRepair> Fans { get; init; } = [];

    /// <summary>Counts to recount: owner and direction.</summary>
    [Id(1)]
    public List<(long Owner, short Direction)> Counts { get; init; } = [];

    /// <summary>Whether there is nothing to apply.</summary>
    public bool IsEmpty => Fans.Count == 0 && Counts.Count == 0;
}

/// <summary>One fan row to write through the fan grain's last-writer-wins apply, and the divergence it repairs.</summary>
[GenerateSerializer, Immutable, Alias("RelationGraph.Audit.FanRepair")]
public sealed record FanRepair([property: Id(0)] long Follower, [property: Id(1)] long Followee, [property: Id(2)] EdgeState State, [property: Id(3)] DateTimeOffset EventAt, [property: Id(4)] int Kind);
