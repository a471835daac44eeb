using Microsoft.Extensions.Options;
using RelationGraph.EmbeddedPostgres;
using RelationGraph.Persistence;

namespace RelationGraph.Silo.Hosting;

/// <summary>
/// The configured meta database, or, when none is configured, a private PostgreSQL server started (or reused) in
/// the data directory and stopped when the silo shuts down.
/// </summary>
internal sealed class DevelopmentMetaDatabaseLocator(
    IOptions<StorageOptions> storageOptions,
    IOptions<DevelopmentDatabaseOptions> developmentOptions,
    ILogger<PostgresServer> logger) : IMetaDatabaseLocator, IAsyncDisposable
{
    private PostgresServer? _server;

    public async ValueTask<string> GetConnectionStringAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(storageOptions.Value.ConnectionString))
        {
            return storageOptions.Value.ConnectionString;
        }

        var settings = developmentOptions.Value;
        _server ??= await PostgresServer.StartAsync(
            new PostgresServerOptions { DataDirectory = settings.DataDirectory, BinDirectory = settings.PostgresBinDirectory },
            logger,
            cancellationToken);
        return _server.GetConnectionString(settings.Database);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
