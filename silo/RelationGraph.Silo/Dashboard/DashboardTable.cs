namespace RelationGraph.Silo.Dashboard;

/// <summary>A table of a dashboard section: column headings and rows of cells (text, numbers or null).</summary>
public sealed record DashboardTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows);
