namespace RelationGraph.Silo.Dashboard;

/// <summary>A section whose figures come with a feature that has not landed yet; it says so until that feature replaces it.</summary>
internal sealed class PlaceholderSection(string id, string title, int order, string note) : IDashboardSection
{
    public string Id => id;

    public int Order => order;

    public Task<DashboardView> ReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new DashboardView(id, title, note, [], [], []));
}
