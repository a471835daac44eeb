using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Silo.Dashboard;

/// <summary>A live page of the silo's grain activations: <c>/dashboard</c>, fed by <c>/dashboard/api/activations</c>.</summary>
public static class DashboardEndpoints
{
    private const int TopActivations = 25;

    /// <summary>Maps the dashboard page and its JSON feed.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var page = LoadPage();
        endpoints.MapGet("/dashboard", () => Results.Content(page, "text/html; charset=utf-8"));
        endpoints.MapGet("/dashboard/api/activations", (Catalog catalog, MembershipView membership, LocalSiloDetails local, IOptions<SiloOptions> silo) =>
        {
            var activations = catalog.GetActivations();
            return new DashboardSnapshot(
                local.Address.ToString(),
                silo.Value.ClusterId,
                silo.Value.ServiceId,
                membership.Current.Members
                    .Select(m => new SiloSummary(m.Silo.ToString(), m.SiloName, m.GatewayPort, m.Status.ToString(), m.IAmAliveTime))
                    .ToList(),
                activations.Count,
                activations.GroupBy(a => a.GrainId.Type)
                    .Select(g => new GrainTypeSummary(g.Key, g.Count(), g.Sum(a => a.Calls)))
                    .OrderByDescending(t => t.Activations)
                    .ToList(),
                activations.OrderByDescending(a => a.Calls).Take(TopActivations).ToList());
        });
        return endpoints;
    }

    private static string LoadPage()
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
