using System.Net.Sockets;
using Npgsql;
using RelationGraph.Abstractions;

namespace RelationGraph.Persistence.Sharding;

/// <summary>
/// One physical shard and its connection pool. Every operation on the shard goes through <see cref="RunAsync{T}"/>,
/// which turns connection-level failures into <see cref="ShardUnavailableException"/> so callers fail fast and clearly.
/// </summary>
public sealed partial class Shard : IAsyncDisposable
{
    internal Shard(ShardDatabase database, string connectionString)
    {
        Database = database;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Name = $"{database.ShardId} ({database.Database})";
    }

    /// <summary>The shard's place in the map.</summary>
    public ShardDatabase Database { get; }

    /// <summary>A name for errors and logs: id and database.</summary>
    public string Name { get; }

    /// <summary>The shard's pool. Prefer <see cref="RunAsync{T}"/>, which reports an unreachable shard as such.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The shard's connection string, for connections a pool cannot serve (logical replication).</summary>
    public string ConnectionString { get; }

    /// <summary>Runs <paramref name="operation"/> against the shard's pool.</summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlDataSource, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        T result;
        try
        {
            result = await operation(DataSource, cancellationToken);
        }
        catch (Exception exception) when (IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            // Idle connections of a failed server are dead too; drop them all now rather than one failed call each.
            DataSource.Clear();
            RecordFailure(exception);
            // The cause goes into the message, not in as the inner exception: this exception crosses the wire to SDK
            // clients, and Npgsql's exceptions have no Orleans codec (a client got CodecNotFoundException instead).
            throw new ShardUnavailableException($"Shard {Name} is unavailable: {exception.Message}") { Shard = Name };
        }

        RecordSuccess();
        return result;
    }

    /// <summary>Checks that the shard answers a query.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(ct);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.InvalidCatalogName,
        NpgsqlException => true,
        SocketException or TimeoutException or IOException => true,
        _ => false,
    };
}
