using Microsoft.Extensions.Logging;

namespace RelationGraph.EmbeddedPostgres;

public sealed partial class PostgresServer
{
    [LoggerMessage(1, LogLevel.Information, "Initializing a PostgreSQL cluster in {Directory}")]
    private static partial void LogInitializing(ILogger logger, string directory);

    [LoggerMessage(2, LogLevel.Information, "PostgreSQL started in {Directory} on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string directory, int port);

    [LoggerMessage(3, LogLevel.Information, "Reusing the PostgreSQL server already running in {Directory} on 127.0.0.1:{Port}")]
    private static partial void LogAttached(ILogger logger, string directory, int port);

    [LoggerMessage(4, LogLevel.Information, "PostgreSQL in {Directory} stopped")]
    private static partial void LogStopped(ILogger logger, string directory);

    [LoggerMessage(5, LogLevel.Warning, "Stopping PostgreSQL in {Directory} failed: {Output}")]
    private static partial void LogStopFailed(ILogger logger, string directory, string output);

    [LoggerMessage(6, LogLevel.Warning, "PostgreSQL in {Directory} accepted connections without a password; it now requires the one in {PasswordFile}")]
    private static partial void LogPasswordSet(ILogger logger, string directory, string passwordFile);
}
