namespace RelationGraph.Persistence;

/// <summary>Says where the meta database is; a development host may start a server to answer.</summary>
public interface IMetaDatabaseLocator
{
    /// <summary>The meta database's connection string. Its server must be running when this completes.</summary>
    ValueTask<string> GetConnectionStringAsync(CancellationToken cancellationToken);
}
