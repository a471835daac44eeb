using RelationGraph.EmbeddedPostgres;

namespace RelationGraph.Benchmarks;

/// <summary>
/// A private PostgreSQL server with its durable defaults (fsync and synchronous commit on), in a temporary directory
/// removed afterwards, or in a kept directory whose data later runs reuse.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    private readonly bool _temporary;

    private readonly PostgresServer _postgres;

    private BenchmarkServer(PostgresServer postgres, string dataDirectory, bool temporary)
    {
        _postgres = postgres;
        DataDirectory = dataDirectory;
        _temporary = temporary;
    }

    /// <summary>Holds the cluster directory and the server log; scenarios keep their work files here too.</summary>
    public string DataDirectory { get; }

    public static async Task<BenchmarkServer> StartAsync(string scenario, string? keptDirectory, CancellationToken cancellationToken)
    {
        var temporary = keptDirectory is null;
        var directory = keptDirectory is null
            ? Directory.CreateTempSubdirectory($"relationgraph-{scenario}-").FullName
            : Directory.CreateDirectory(keptDirectory).FullName;
        try
        {
            Console.Error.WriteLine($"{scenario}: starting PostgreSQL in {directory}");
            // A silo's pools (up to 100 connections per shard), the baseline's pool and the loader's may all be open at once.
            var options = new PostgresServerOptions { DataDirectory = directory, Settings = { ["max_connections"] = "1000" } };
            var postgres = await PostgresServer.StartAsync(options, cancellationToken: cancellationToken);
            return new BenchmarkServer(postgres, directory, temporary);
        }
        catch when (temporary)
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public string ConnectionString(string database) => _postgres.GetConnectionString(database);

    public async ValueTask DisposeAsync()
    {
        await _postgres.DisposeAsync();
        if (_temporary)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
