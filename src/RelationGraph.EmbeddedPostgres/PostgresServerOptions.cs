namespace RelationGraph.EmbeddedPostgres;

/// <summary>Where and how a private PostgreSQL server runs.</summary>
public sealed class PostgresServerOptions
{
    /// <summary>The folder holding the cluster (<c>pgdata/</c>) and the server log; created when missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The folder with <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>; found automatically when null.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// Trades durability for speed (<c>fsync=off</c>, no synchronous commit). Only for throw-away test servers:
    /// a machine crash may lose committed data.
    /// </summary>
    public bool Ephemeral { get; init; }

    /// <summary>Extra server settings passed as <c>-c name=value</c>.</summary>
    public IDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
