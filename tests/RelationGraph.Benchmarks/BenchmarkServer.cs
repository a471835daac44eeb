using RelationGraph.EmbeddedPostgres;

namespace RelationGraph.Benchmarks;

/// <summary>
/// A private PostgreSQL server with its durable defaults (fsync and synchronous commit on), in a temporary directory
/// removed afterwards, or in a kept directory whose data later runs reuse.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    private readonly bool _temporary;

    private BenchmarkServer(PostgresServer postgres, string dataDirectory, bool temporary)
    {
        Postgres = postgres;
        DataDirectory = dataDirectory;
        _temporary = temporary;
    }

    /// <summary>Holds the cluster directory and the server log; scenarios keep their work files here too.</summary>
    public string DataDirectory { get; }

    /// <summary>The data directory of the scenario's silo: its development cluster certificate.</summary>
    public string SiloDirectory => Path.Combine(DataDirectory, "silo");

    /// <summary>The server itself, for databases and connections of a scenario's own.</summary>
    public PostgresServer Postgres { get; }

    /// <summary>
    /// Starts the server in <paramref name="keptDirectory"/>, or in a temporary one. It allows
    /// <paramref name="maxConnections"/>: a silo's pools (up to 100 connections per shard), the baseline's pool and the
    /// loader's may all be open at once.
    /// With <paramref name="trackStatements"/> it loads <c>pg_stat_statements</c>, tracking statements inside functions too.
    /// </summary>
    public static async Task<BenchmarkServer> StartAsync(
        string scenario, string? keptDirectory, CancellationToken cancellationToken, int maxConnections = 1000, bool trackStatements = false)
    {
        var temporary = keptDirectory is null;
        var directory = keptDirectory is null
            ? Directory.CreateTempSubdirectory($"relationgraph-{scenario}-").FullName
            : Directory.CreateDirectory(keptDirectory).FullName;
        try
        {
            Console.Error.WriteLine($"{scenario}: starting PostgreSQL in {directory}");
            var options = new PostgresServerOptions
            {
                DataDirectory = directory,
                Settings = { ["max_connections"] = maxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
            if (trackStatements)
            {
                options.Settings["shared_preload_libraries"] = "pg_stat_statements";
                options.Settings["pg_stat_statements.track"] = "all";
            }

            var postgres = await PostgresServer.StartAsync(options, cancellationToken: cancellationToken);
            return new BenchmarkServer(postgres, directory, temporary);
        }
        catch when (temporary)
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public string ConnectionString(string database) => Postgres.GetConnectionString(database);

    public async ValueTask DisposeAsync()
    {
        await Postgres.DisposeAsync();
        if (_temporary)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
