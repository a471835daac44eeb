using RelationGraph.Abstractions.Audit;
using RelationGraph.Grains.Audit;

namespace RelationGraph.Silo.Dashboard;

/// <summary>The auditor's latest runs and the real-time check's totals, by kind of divergence.</summary>
internal sealed class ConsistencySection(IGrainFactory grains) : IDashboardSection
{
    private const int Runs = 10;

    public string Id => "consistency";

    public int Order => 30;

    public async Task<DashboardView> ReadAsync(CancellationToken cancellationToken)
    {
        var auditor = grains.GetGrain<IAuditorGrain>(0);
        var (runs, realtime) = (auditor.GetRunsAsync(Runs), auditor.GetRealtimeTotalsAsync());
        var runRows = (await runs)
            .Select(r => (IReadOnlyList<object?>)[
                r.RunId, AuditorGrain.KindName(r.Kind), r.State.ToString().ToLowerInvariant(), r.StartedAt, r.FinishedAt, r.Scanned,
                Total(r.Found), Total(r.Repaired), Math.Round(r.EdgesPerSecond), Math.Round(r.Progress * 100)])
            .ToList();
        var totals = await realtime;
        var kinds = new (string Kind, Func<AuditCounts, long> Count)[]
        {
            ("missingFan", c => c.MissingFan), ("orphanFan", c => c.OrphanFan), ("staleFan", c => c.StaleFan), ("countDrift", c => c.CountDrift),
        };
        var realtimeRows = kinds.Select(k => (IReadOnlyList<object?>)[k.Kind, k.Count(totals.Found), k.Count(totals.Repaired)]).ToList();
        return new DashboardView(
            Id, "Consistency", $"Real-time check: {totals.Checked:N0} edges re-checked since the silos started.",
            [
                new DashboardTable("latest audit runs", ["run", "kind", "state", "started", "finished", "scanned", "found", "repaired", "edges/s", "done %"], runRows),
                new DashboardTable("real-time check", ["divergence", "found", "repaired"], realtimeRows),
            ],
            [],
            []);
    }

    private static long Total(AuditCounts c) => c.MissingFan + c.OrphanFan + c.StaleFan + c.CountDrift;
}
