using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using RelationGraph.EmbeddedPostgres;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hosting;

/// <summary>Before the fix the private server trusted every local TCP connection; now the postgres role needs its generated password.</summary>
public sealed class PostgresPasswordTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("relationgraph-password-test-");

    [Fact]
    public async Task A_connection_without_the_password_or_with_a_wrong_one_is_refused()
    {
        var logs = new FakeLogCollector();
        await using var server = await PostgresServer.StartAsync(Options(), new FakeLogger(logs), Token);
        var password = (await File.ReadAllTextAsync(server.PasswordFile, Token)).Trim();

        Assert.Equal(1, await ExecuteAsync(server.ConnectionString, "SELECT 1"));
        Assert.Equal(password, new NpgsqlConnectionStringBuilder(server.ConnectionString).Password);
        await AssertRefusedAsync(server, password: null);
        await AssertRefusedAsync(server, password: "wrong");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.PasswordFile));
        }

        Assert.Equal(PostgresServer.PasswordFileName, Path.GetFileName(server.PasswordFile));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(password, await File.ReadAllTextAsync(server.LogFile, Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_made_without_a_password_gets_one_on_its_next_start()
    {
        await using (var server = await PostgresServer.StartAsync(Options(), cancellationToken: Token))
        {
            // Turn it into what earlier versions left behind: trust authentication and no password file.
            var hba = Path.Combine(server.ClusterDirectory, "pg_hba.conf");
            await File.WriteAllTextAsync(hba, (await File.ReadAllTextAsync(hba, Token)).Replace("scram-sha-256", "trust", StringComparison.Ordinal), Token);
            await ExecuteAsync(server.ConnectionString, "SELECT pg_reload_conf()");
            File.Delete(server.PasswordFile);
            await server.StopAsync(Token);
        }

        var logs = new FakeLogCollector();
        await using var migrated = await PostgresServer.StartAsync(Options(), new FakeLogger(logs), Token);

        Assert.True(File.Exists(migrated.PasswordFile));
        Assert.Equal(1, await ExecuteAsync(migrated.ConnectionString, "SELECT 1"));
        await AssertRefusedAsync(migrated, password: null);
        Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("without a password", StringComparison.Ordinal));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private PostgresServerOptions Options() => new() { DataDirectory = _directory.FullName, Ephemeral = true };

    private static async Task AssertRefusedAsync(PostgresServer server, string? password)
    {
        var withoutPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = password, Pooling = false }.ConnectionString;
        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(withoutPassword, "SELECT 1"));
        Assert.True(error is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } || error.Message.Contains("password", StringComparison.OrdinalIgnoreCase), error.ToString());
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<object?> ExecuteAsync(string connectionString, string sql) => UnpooledSql.ScalarAsync(connectionString, sql);
}
