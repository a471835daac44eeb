using RelationGraph.Grains;

namespace RelationGraph.Silo.Dashboard;

/// <summary>This silo's per-user rate-limit refusals, by kind of write: since it started and in the last minute.</summary>
internal sealed class ProtectionsSection(RateLimitMetrics rateLimits) : IDashboardSection
{
    public string Id => "protections";

    public int Order => 40;

    public Task<DashboardView> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = Enum.GetValues<UserWriteKind>()
            .Select(kind => (IReadOnlyList<object?>)[kind.ToString(), rateLimits.RejectedSinceStart(kind), rateLimits.RejectedLastMinute(kind)])
            .ToList();
        return Task.FromResult(new DashboardView(
            Id, "Protections", "Rate-limit refusals of this silo (the one serving this page). Celebrity buckets and account deletion are not built yet.",
            [new DashboardTable("rate-limit refusals", ["write", "since start", "last minute"], rows)],
            [],
            []));
    }
}
