using RelationGraph.Abstractions;

namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// One user as the dashboard shows it: where its two grains were active (before this lookup), its counts and latest edges,
/// and how many fan buckets write its fan copies (null: none, as far as this silo knows).
/// </summary>
public sealed record UserLookup(
    UserId UserId,
    string? FollowingGrainSilo,
    string? FanGrainSilo,
    long Following,
    long Fans,
    IReadOnlyList<Edge> LatestFollowing,
    IReadOnlyList<Edge> LatestFans,
    int? FanBuckets);
