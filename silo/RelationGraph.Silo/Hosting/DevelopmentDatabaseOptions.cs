namespace RelationGraph.Silo.Hosting;

/// <summary>The private PostgreSQL server started when no <c>RelationGraph:ConnectionString</c> is configured.</summary>
public sealed class DevelopmentDatabaseOptions
{
    /// <summary>Where the server keeps its data and log; relative paths start at the working directory.</summary>
    public string DataDirectory { get; set; } = ".relationgraph";

    /// <summary>PostgreSQL's bin folder; found automatically when empty.</summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>How often the silo checks that its private server still runs, restarting it when not. Default 2 s.</summary>
    public TimeSpan SupervisionInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The meta database's name; shard databases are named after it.</summary>
    public string Database { get; set; } = "relationgraph";
}
