namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// What a dashboard section shows, in a shape the page renders without knowing the section: tables, charts of series
/// over time, and buttons that post to an endpoint. A section without data yet says why in <paramref name="Note"/>.
/// </summary>
public sealed record DashboardView(
    string Id,
    string Title,
    string? Note,
    IReadOnlyList<DashboardTable> Tables,
    IReadOnlyList<DashboardChart> Charts,
    IReadOnlyList<DashboardAction> Actions);
