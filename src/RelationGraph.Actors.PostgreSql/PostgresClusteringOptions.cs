namespace RelationGraph.Actors.PostgreSql;

/// <summary>Where the membership table lives.</summary>
public sealed class PostgresClusteringOptions
{
    /// <summary>The database holding the membership table; created there when missing.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Supplies the connection string when it is only known once the host runs (a development server); wins over <see cref="ConnectionString"/>.</summary>
    public Func<CancellationToken, ValueTask<string>>? ConnectionStringProvider { get; set; }
}
