using Npgsql;
using RelationGraph.EmbeddedPostgres;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hosting;

public sealed class PostgresServerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("relationgraph-server-test-");

    [Fact]
    public async Task A_second_start_on_a_running_data_directory_reuses_the_server_and_a_restart_keeps_the_data()
    {
        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = _directory.FullName, Ephemeral = true }, cancellationToken: Token);
        var database = await server.CreateDatabaseAsync("kept", Token);
        await ExecuteAsync(database, "CREATE TABLE t (v int); INSERT INTO t VALUES (42)");

        var attached = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = _directory.FullName }, cancellationToken: Token);
        Assert.Equal(server.Port, attached.Port);

        await server.RestartAsync(Token);
        Assert.Equal(42, await ExecuteAsync(server.GetConnectionString("kept"), "SELECT v FROM t"));
        Assert.True(File.Exists(Path.Combine(_directory.FullName, "pgdata", "PG_VERSION")));
    }

    [Fact]
    public async Task The_server_listens_on_loopback_only()
    {
        await using var server = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = _directory.FullName, Ephemeral = true }, cancellationToken: Token);

        Assert.Equal("127.0.0.1", await ExecuteAsync(server.ConnectionString, "SELECT current_setting('listen_addresses')"));
        Assert.Equal("logical", await ExecuteAsync(server.ConnectionString, "SELECT current_setting('wal_level')"));
    }

    [Fact]
    public async Task Missing_binaries_give_an_error_that_names_them()
    {
        var error = await Assert.ThrowsAsync<PostgresNotFoundException>(() =>
            PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = _directory.FullName, BinDirectory = "/nonexistent/bin" }, cancellationToken: Token));

        Assert.Contains("initdb", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/bin", error.Message, StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<object?> ExecuteAsync(string connectionString, string sql) => UnpooledSql.ScalarAsync(connectionString, sql);
}
