using System.Diagnostics;
using Microsoft.Extensions.Logging.Testing;
using RelationGraph.EmbeddedPostgres;
using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hosting;

/// <summary>The development silo's private PostgreSQL comes back, on the same port, when its postmaster is killed.</summary>
public sealed class PostgresSupervisorTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("relationgraph-supervisor-test-");

    [Fact]
    public async Task A_killed_postmaster_is_restarted_on_its_port_and_the_restart_is_logged()
    {
        var server = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = _directory.FullName, Ephemeral = true }, cancellationToken: Token);
        var logs = new FakeLogCollector();
        var supervisor = new PostgresSupervisor(server, new FakeLogger<PostgresSupervisor>(logs), TimeSpan.FromMilliseconds(200));
        await supervisor.StartAsync(Token);
        try
        {
            var port = server.Port;
            await CountAsync(server.ConnectionString);
            var pid = int.Parse(File.ReadLines(Path.Combine(server.ClusterDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

            Process.GetProcessById(pid).Kill();

            await Eventually.WaitAsync(async _ => logs.GetSnapshot().Any(r => r.Message.Contains("restarted", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), () => string.Join('\n', logs.GetSnapshot().Select(r => r.Message)), Token);
            Assert.Equal(port, server.Port);
            Assert.Equal(1, await CountAsync(server.ConnectionString));
            Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("is not running", StringComparison.Ordinal));
        }
        finally
        {
            await supervisor.StopAsync(CancellationToken.None);
        }

        Assert.False(await server.IsRunningAsync(Token));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<int> CountAsync(string connectionString) => (int)(await UnpooledSql.ScalarAsync(connectionString, "SELECT 1"))!;
}
