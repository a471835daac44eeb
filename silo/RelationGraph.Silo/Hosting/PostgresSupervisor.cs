using RelationGraph.EmbeddedPostgres;

namespace RelationGraph.Silo.Hosting;

/// <summary>
/// Keeps the development silo's private PostgreSQL up: checks its postmaster every <c>interval</c> and, when it has died,
/// starts it again on the same port (so every connection string stays valid) and logs that it did. Stops the server
/// when the host stops, after everything registered later (the silo) has stopped.
/// </summary>
internal sealed partial class PostgresSupervisor(PostgresServer server, ILogger<PostgresSupervisor> logger, TimeSpan interval) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (!await server.IsRunningAsync(stoppingToken))
                {
                    LogDied(logger, server.ClusterDirectory);
                    if (await server.EnsureRunningAsync(stoppingToken))
                    {
                        LogRestarted(logger, server.ClusterDirectory, server.Port);
                    }
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Its children may still hold the shared memory of the dead postmaster for a moment; try again next tick.
                LogRestartFailed(logger, server.ClusterDirectory, exception.Message);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await server.DisposeAsync();
    }

    [LoggerMessage(1, LogLevel.Error, "PostgreSQL in {Directory} is not running; restarting it")]
    private static partial void LogDied(ILogger logger, string directory);

    [LoggerMessage(2, LogLevel.Warning, "PostgreSQL in {Directory} restarted on 127.0.0.1:{Port}")]
    private static partial void LogRestarted(ILogger logger, string directory, int port);

    [LoggerMessage(3, LogLevel.Warning, "Restarting PostgreSQL in {Directory} failed, trying again: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string directory, string reason);
}
