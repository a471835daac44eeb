namespace RelationGraph.Silo.Dashboard;

/// <summary>A button of a dashboard section: posts to <paramref name="Path"/> (relative to the dashboard's API).</summary>
public sealed record DashboardAction(string Label, string Path);
