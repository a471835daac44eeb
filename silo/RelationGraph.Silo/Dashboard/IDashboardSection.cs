namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// One section of the RelationGraph dashboard. Adding a section is a class implementing this and one
/// <see cref="DashboardExtensions.AddDashboardSection{TSection}"/> line; the page shows it in <see cref="Order"/>.
/// </summary>
public interface IDashboardSection
{
    /// <summary>The section's id, its path under <c>/dashboard/relationgraph/api/</c>.</summary>
    string Id { get; }

    /// <summary>Where on the page it goes, ascending.</summary>
    int Order { get; }

    /// <summary>Reads what the section shows now.</summary>
    Task<DashboardView> ReadAsync(CancellationToken cancellationToken);
}
