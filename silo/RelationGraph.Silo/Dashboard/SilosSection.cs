using Orleans.Runtime;

namespace RelationGraph.Silo.Dashboard;

/// <summary>The cluster's silos as the membership table has them, dead ones included, with their activations.</summary>
internal sealed class SilosSection(IGrainFactory grains) : IDashboardSection
{
    public string Id => "silos";

    public int Order => 5;

    public async Task<DashboardView> ReadAsync(CancellationToken cancellationToken)

    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false, cancellationToken);
        var rows = hosts.OrderBy(h => h.SiloAddress.ToString(), StringComparer.Ordinal)
            .Select(h => (IReadOnlyList<object?>)[h.SiloName, h.SiloAddress.ToString(), h.Status.ToString(), h.StartTime, h.IAmAliveTime])
            .ToList();
        return new DashboardView(Id, "Silos", null, [new DashboardTable("silos", ["name", "address", "status", "started", "last alive"], rows)], [], []);
    }
}
