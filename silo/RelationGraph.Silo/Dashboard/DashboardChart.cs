namespace RelationGraph.Silo.Dashboard;

/// <summary>A chart of a dashboard section: named series of (unix milliseconds, value) points, in <paramref name="Unit"/>.</summary>
public sealed record DashboardChart(string Name, string Unit, IReadOnlyDictionary<string, IReadOnlyList<double[]>> Series);
