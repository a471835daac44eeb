using System.Globalization;
using System.Text.Json;
using RelationGraph.Cli;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Cli;

/// <summary><c>relgraph audit run</c> and <c>relgraph audit status</c> against the TLS test cluster.</summary>
public sealed class AuditCliTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    [Fact]
    public async Task Audit_run_with_wait_prints_the_finished_run_and_status_lists_it()
    {
        await fixture.Client.FollowAsync(fixture.NewUser(), fixture.NewUser(), Token);

        var run = await RunAsync("audit", "run", "incremental", "--wait", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("completed", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("incremental", json.RootElement.GetProperty("kind").GetString());
        Assert.True(json.RootElement.GetProperty("scanned").GetInt64() >= 1);
        var runId = json.RootElement.GetProperty("runId").GetString();

        var status = await RunAsync("audit", "status");

        Assert.Equal(ExitCodes.Success, status.ExitCode);
        Assert.Contains(status.Stdout.Split('\n'), line => line.StartsWith(runId + " ", StringComparison.Ordinal) && line.Contains("completed", StringComparison.Ordinal));
        Assert.Contains("real-time check:", status.Stdout, StringComparison.Ordinal);

        var text = await RunAsync("audit", "run", "incremental", "--wait");
        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Contains("[##############################] 100%", text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_run_of_an_unknown_kind_exits_1_with_one_line()
    {
        var run = await RunAsync("audit", "run", "partial");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("relgraph: unknown audit kind 'partial': use full or incremental.", run.Stderr.Trim());
        Assert.Empty(run.Stdout);
    }

    private string[] ConnectionArguments =>
        [.. fixture.Cluster.Gateways().SelectMany(g => new[] { "--gateway", g }), "--cluster-id", fixture.ClusterId, "--certificate", fixture.CertificatePath];

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await RelgraphApp.RunAsync([.. args, .. ConnectionArguments], stdout, stderr, new RelgraphEnvironment(_ => null, fixture.EmptyDirectory), Token);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
