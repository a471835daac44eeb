using RelationGraph.EmbeddedPostgres;
using RelationGraph.Persistence;

namespace RelationGraph.Silo.Hosting;

/// <summary>
/// The development database: when no <c>RelationGraph:ConnectionString</c> is configured, a private PostgreSQL server is
/// started (or reused) from the machine's binaries in <c>RelationGraph:DataDirectory</c> before the host is built, so
/// every part of the silo, Orleans' ADO.NET providers included, sees an ordinary connection string.
/// </summary>
public static class DevelopmentDatabase
{
    /// <summary>
    /// Starts the private server when needed and points <c>RelationGraph:ConnectionString</c> at its meta database.
    /// The server stops after everything else when the host stops (unless another silo started it); while the host runs,
    /// a <see cref="PostgresSupervisor"/> restarts it if it dies.
    /// </summary>
    public static async Task<IHostApplicationBuilder> AddRelationGraphDevelopmentDatabaseAsync(this IHostApplicationBuilder builder, CancellationToken cancellationToken = default)
    {
        var section = builder.Configuration.GetSection(StorageOptions.SectionName);
        if (!string.IsNullOrWhiteSpace(section[nameof(StorageOptions.ConnectionString)]))
        {
            return builder;
        }

        var settings = section.Get<DevelopmentDatabaseOptions>() ?? new DevelopmentDatabaseOptions();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var server = await PostgresServer.StartAsync(
            new PostgresServerOptions { DataDirectory = settings.DataDirectory, BinDirectory = settings.PostgresBinDirectory },
            loggerFactory.CreateLogger<PostgresServer>(),
            cancellationToken);
        builder.Configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}"] = server.GetConnectionString(settings.Database);

        // Registered before the silo, so it stops the server after the silo has stopped.
        builder.Services.AddHostedService(sp => new PostgresSupervisor(server, sp.GetRequiredService<ILogger<PostgresSupervisor>>(), settings.SupervisionInterval));
        return builder;
    }
}
