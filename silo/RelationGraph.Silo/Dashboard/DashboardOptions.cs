namespace RelationGraph.Silo.Dashboard;

/// <summary>Access to the dashboards (<c>/dashboard</c> and <c>/dashboard/relationgraph</c>): <c>RelationGraph:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:Dashboard";

    /// <summary>
    /// When set, every request under <c>/dashboard</c> must carry it: <c>Authorization: Bearer …</c>, or once as
    /// <c>?token=…</c> (which sets an HTTP-only cookie for the page's own requests). Unset (the default, for development): open.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>How many points the lag chart keeps, one a second.</summary>
    public int ChartPoints { get; set; } = 120;
}
