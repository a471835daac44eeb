using Npgsql;
using RelationGraph.EmbeddedPostgres;

[assembly: AssemblyFixture(typeof(RelationGraph.Tests.Fixtures.PostgresFixture))]

namespace RelationGraph.Tests.Fixtures;

/// <summary>
/// One private PostgreSQL server for the whole test run, in a temporary directory removed afterwards.
/// Test classes take their own databases on it (<see cref="NewDatabaseName"/>), so they stay independent.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private int _databases;
    private DirectoryInfo? _directory;
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("relationgraph-tests-");
        // Several three-silo clusters run at once, each silo pooling connections per shard for grains and stream agents.
        _server = await PostgresServer.StartAsync(new PostgresServerOptions
        {
            DataDirectory = _directory.FullName,
            Ephemeral = true,
            Settings = { ["max_connections"] = "1000" },
        });
    }

    /// <summary>A database name no other test class uses in this run.</summary>
    public string NewDatabaseName(string prefix) => $"{prefix}_{Interlocked.Increment(ref _databases)}".ToLowerInvariant();

    /// <summary>A connection string to a database not yet used in this run; the service creates it on start.</summary>
    /// <remarks>
    /// Dozens of silos share this server during a run, each pooling connections per shard; their pools let idle
    /// connections go after a few seconds (production keeps them 5 minutes), so the server's connection slots go to
    /// the tests that are running rather than to those that ran.
    /// </remarks>
    public string NewDatabase(string prefix) => new NpgsqlConnectionStringBuilder(Server.GetConnectionString(NewDatabaseName(prefix)))
    {
        ConnectionIdleLifetime = 5,
        ConnectionPruningInterval = 1,
    }.ConnectionString;

    /// <summary>Starts another server, for tests that stop one shard's server.</summary>
    public static async Task<(PostgresServer Server, DirectoryInfo Directory)> StartExtraServerAsync()
    {
        var directory = Directory.CreateTempSubdirectory("relationgraph-tests-extra-");
        return (await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = directory.FullName, Ephemeral = true }), directory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            // Cdc clusters keep their slots so a restart resumes; none may outlive the run.
            await using (var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString))
            {
                await connection.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active", connection);
                await drop.ExecuteNonQueryAsync();
            }

            await _server.StopAsync();
        }

        _directory?.Delete(recursive: true);
    }
}
