using System.Diagnostics;
using Orleans.Runtime;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cluster;

/// <summary>
/// A real crash: the silo host (<c>RelationGraph.Silo</c>) as a child process joins a two-silo test cluster and is
/// SIGKILLed in the middle of a follow workload. Unlike an in-process kill, nothing of it marks itself dead: the other
/// silos must notice, vote it dead in the membership table, and take over its grains.
/// </summary>
public sealed class SiloCrashTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_SIGKILLed_silo_process_is_voted_dead_and_no_acknowledged_follow_is_lost()
    {
        var meta = postgres.NewDatabase("crash");
        // Without TLS, as the test cluster runs; the child gets the same settings on its command line.
        var settings = new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync", ["RelationGraph:UseTls"] = "false" };
        await using var cluster = new TestClusterBuilder(2).AddRelationGraph(meta, settings).Build();
        await cluster.DeployAsync(Token);
        Trace("cluster deployed");
        await using var process = await SiloProcess.StartAsync(meta, cluster.Options.ClusterId, cluster.Options.ServiceId, settings, cancellationToken: Token);
        var victim = (await Eventually.ValueAsync(
            ct => MembershipRows.ReadAsync(meta, cluster.Options.ClusterId, ct),
            rows => rows.Any(r => r.Silo.Endpoint.Equals(process.SiloEndPoint) && r.Status == SiloStatus.Active),
            TimeSpan.FromSeconds(20),
            "the silo process is active in the table",
            Token)).Single(r => r.Silo.Endpoint.Equals(process.SiloEndPoint)).Silo;
        await FailoverTests.WaitUntilAsync(cluster, meta, status => status(victim) == SiloStatus.Active, $"{victim} active everywhere");
        Trace($"silo process {process.ProcessId} joined as {victim}");

        // Its gateway too: a client connection dies with it.
        await using var client = await cluster.ConnectRelationGraphClientAsync(o =>
        {
            o.Gateways.Add(process.Gateway);
            o.MaxAttempts = 12;
            // A call the dead silo had taken is answered by nobody: the client gives up on it after this and repeats it.
            o.ResponseTimeout = TimeSpan.FromSeconds(10);
        }, Token);
        var workload = new FollowWorkload([.. Enumerable.Range(1, 60).Select(i => new UserId(20_000 + i))], seed: 7);
        var run = workload.RunAsync(client, workers: 8, Token);
        await workload.OneThirdDone.WaitAsync(TimeSpan.FromSeconds(60), Token);
        var hosted = await FailoverTests.UserGrainsOnAsync(cluster, victim);
        Assert.NotEmpty(hosted);
        Trace($"{workload.Acknowledged} of {workload.Follows.Count} follows acknowledged, {hosted.Count} user grains on the silo process: SIGKILL");

        await process.KillAsync();
        var clock = Stopwatch.StartNew();
        var declaredDead = Eventually.ValueAsync(
            async ct => (Row: await MembershipRows.ReadAsync(meta, cluster.Options.ClusterId, victim, ct), clock.Elapsed),
            seen => seen.Row?.Status == SiloStatus.Dead,
            TimeSpan.FromSeconds(60),
            $"{victim} declared dead in the table",
            Token);
        await run;
        Trace($"workload done, {workload.Failures.Count} failures");

        Assert.Empty(workload.Failures);
        Assert.Equal(workload.Follows.Count, workload.Acknowledged);
        var (row, detection) = await declaredDead;
        // Declared dead by the others' votes, not by itself (a silo that marks itself dead enters itself as a voter).
        Assert.NotEmpty(row!.Voters);
        Assert.All(row.Voters, voter => Assert.Contains(voter, cluster.Silos.Select(s => s.SiloAddress)));
        Assert.True(detection < TimeSpan.FromSeconds(20), $"declaring the crashed silo dead took {detection}");
        Trace($"declared dead {detection.TotalSeconds:0.0} s after the SIGKILL by {string.Join(", ", row.Voters)}");
        await FailoverTests.WaitUntilDeadEverywhereAsync(cluster, meta, victim);
        await workload.AssertExactAsync(client, FailoverTests.Store(cluster), Token);
    }

    private static void Trace(string message) => TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
