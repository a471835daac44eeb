using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Runtime;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cluster;

/// <summary>
/// In-process silos of an Orleans test cluster killed (<see cref="TestCluster.KillSiloAsync(SiloHandle, CancellationToken)"/>),
/// restarted, stopped and declared dead, with Orleans' membership table in the meta database. Each test runs a
/// three-silo cluster of its own, since it breaks one. An in-process kill is no crash: the silo still marks itself dead.
/// A real crash, SIGKILL of a silo process that the others must vote dead, is in <see cref="SiloCrashTests"/>.
/// </summary>
public sealed class FailoverTests(PostgresFixture postgres)
{
    /// <summary>How long a membership change may take to reach the table and every running silo's view.</summary>
    private static readonly TimeSpan MembershipDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Killing_a_silo_during_a_follow_workload_loses_no_acknowledged_follow()
    {
        var (cluster, meta) = await StartClusterAsync("kill", fastFailureDetection: true);
        await using var _ = cluster;
        await using var client = await cluster.ConnectRelationGraphClientAsync(o =>
        {
            o.MaxAttempts = 12;
            // A call the killed silo had taken is answered by nobody: the client gives up on it after this and repeats it.
            o.ResponseTimeout = TimeSpan.FromSeconds(10);
        }, Token);
        var workload = new FollowWorkload([.. Enumerable.Range(1, 60).Select(i => new UserId(10_000 + i))], seed: 42);

        var run = workload.RunAsync(client, workers: 8, Token);
        await workload.OneThirdDone.WaitAsync(TimeSpan.FromSeconds(60), Token);
        var victim = cluster.Silos[1];
        Assert.NotEmpty(await UserGrainsOnAsync(cluster, victim.SiloAddress));
        await cluster.KillSiloAsync(victim, Token);
        await run;

        Assert.Empty(workload.Failures);
        Assert.Equal(workload.Follows.Count, workload.Acknowledged);
        await WaitUntilDeadEverywhereAsync(cluster, meta, victim.SiloAddress);
        await workload.AssertExactAsync(client, Store(cluster), Token);
    }

    [Fact]
    public async Task A_killed_silo_is_declared_dead_and_its_grains_reactivate_on_the_survivors()
    {
        var (cluster, meta) = await StartClusterAsync("dead", fastFailureDetection: true);
        await using var _ = cluster;
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        var victim = cluster.Silos[2];
        var users = Enumerable.Range(1, 60).Select(i => new UserId(i)).ToList();
        await Task.WhenAll(users.Select(u => client.GetFollowingAsync(u, cancellationToken: Token)));
        var onVictim = await UserGrainsOnAsync(cluster, victim.SiloAddress);
        var user = users.First(u => onVictim.Contains(FollowingGrain(cluster, u)));
        Assert.True((await client.FollowAsync(user, new UserId(999_999), Token)).Changed);

        var clock = Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim, Token);
        await WaitUntilDeadEverywhereAsync(cluster, meta, victim.SiloAddress);
        var detection = clock.Elapsed;

        Assert.True(detection < TimeSpan.FromSeconds(10), $"detection took {detection}");
        Assert.Equal([new UserId(999_999)], (await client.GetFollowingAsync(user, cancellationToken: Token)).Items.Select(e => e.UserId));
        var host = Assert.Single(await HostsOfAsync(cluster, FollowingGrain(cluster, user)));
        Assert.NotEqual(victim.SiloAddress, host);
        Assert.Contains(host, cluster.Silos.Select(s => s.SiloAddress));
        Assert.Equal(SiloStatus.Dead, (await MembershipRows.ReadAsync(meta, cluster.Options.ClusterId, victim.SiloAddress, Token))?.Status);
    }

    [Fact]
    public async Task A_restarted_silo_rejoins_with_a_new_generation()
    {
        var (cluster, meta) = await StartClusterAsync("restart");
        await using var _ = cluster;
        var old = cluster.Silos[0].SiloAddress;

        var restarted = (await cluster.RestartSiloAsync(cluster.Silos[0]))!;
        await WaitUntilAsync(cluster, meta, status => status(old) == SiloStatus.Dead && status(restarted.SiloAddress) == SiloStatus.Active, "restart seen");

        Assert.Equal(old.Endpoint, restarted.SiloAddress.Endpoint);
        Assert.True(restarted.SiloAddress.Generation > old.Generation, $"{restarted.SiloAddress} is not newer than {old}");
        var rows = await MembershipRows.ReadAsync(meta, cluster.Options.ClusterId, Token);
        Assert.Equal(SiloStatus.Dead, Assert.Single(rows, r => r.Silo.Equals(old)).Status);
        Assert.Equal(SiloStatus.Active, Assert.Single(rows, r => r.Silo.Equals(restarted.SiloAddress)).Status);
        Assert.Equal(3, rows.Count(r => r.Status == SiloStatus.Active));
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        Assert.True((await client.FollowAsync(new UserId(1), new UserId(2), Token)).Following);
        Assert.Equal(3, (await client.GetSilosAsync(Token)).Count(s => s.Status == nameof(SiloStatus.Active)));
    }

    [Fact]
    public async Task A_gracefully_stopped_silo_leaves_the_table_dead_without_suspicion()
    {
        var (cluster, meta) = await StartClusterAsync("graceful");
        await using var _ = cluster;
        var leaving = cluster.Silos[1].SiloAddress;

        await cluster.StopSiloAsync(cluster.Silos[1], Token);
        await WaitUntilDeadEverywhereAsync(cluster, meta, leaving);

        // Orleans has a silo that marks itself dead enter itself as its "killer" (for diagnostics); nobody else voted.
        var rows = await MembershipRows.ReadAsync(meta, cluster.Options.ClusterId, Token);
        var row = Assert.Single(rows, r => r.Silo.Equals(leaving));
        Assert.Equal(SiloStatus.Dead, row.Status);
        Assert.Equal([leaving], row.Voters);
        Assert.True(rows.Where(r => r != row).All(r => r.SuspectTimes.Count == 0), $"{leaving} left, but others were suspected: {Describe(rows)}");
    }

    [Fact]
    public async Task A_silo_that_finds_itself_declared_dead_in_the_table_stops()
    {
        var (cluster, meta) = await StartClusterAsync("self-stop");
        await using var _ = cluster;
        var doomed = cluster.Silos[1].SiloAddress;
        var lifetime = cluster.GetSiloServiceProvider(doomed).GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStopping = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        using var onStopped = lifetime.ApplicationStopped.Register(() => stopped.TrySetResult());

        // What the other silos write when they vote it dead: its status, and a new table version.
        await using (var connection = new NpgsqlConnection(meta))
        {
            await connection.OpenAsync(Token);
            await using var command = new NpgsqlCommand(
                """
                UPDATE orleans_membership SET status = 6
                WHERE cluster_id = @cluster AND address = @address AND port = @port AND generation = @generation;
                UPDATE orleans_membership_version SET version = version + 1 WHERE cluster_id = @cluster;
                """,
                connection);
            command.Parameters.AddWithValue("cluster", cluster.Options.ClusterId);
            command.Parameters.AddWithValue("address", doomed.Endpoint.Address.ToString());
            command.Parameters.AddWithValue("port", doomed.Endpoint.Port);
            command.Parameters.AddWithValue("generation", doomed.Generation);
            await command.ExecuteNonQueryAsync(Token);
        }

        await stopping.Task.WaitAsync(MembershipDeadline, Token);
        // Its host stops (the test cluster's fatal error handler stops the host rather than the whole process).
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60), Token);
        await WaitUntilAsync(cluster, meta, status => status(doomed) == SiloStatus.Dead, "the others see it dead", exclude: doomed);
    }

    /// <summary>
    /// A three-silo cluster on a meta database of its own. Tests that kill a silo keep the shared configuration's fast
    /// failure detection; the others run Orleans' own, so that no silo starved of CPU on a busy machine is voted dead.
    /// </summary>
    private async Task<(TestCluster Cluster, string Meta)> StartClusterAsync(string name, bool fastFailureDetection = false)
    {
        var meta = postgres.NewDatabase($"failover_{name.Replace('-', '_')}");
        var builder = new TestClusterBuilder(3)
            .AddRelationGraph(meta, new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync" });
        if (!fastFailureDetection)
        {
            builder.AddSiloBuilderConfigurator<DefaultFailureDetection>();
        }

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync(Token);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return (cluster, meta);
    }

    /// <summary>
    /// Waits until <paramref name="silo"/>'s row in the table is Dead and every running silo's membership view says so too,
    /// so that nothing routes to it any more.
    /// </summary>
    internal static Task WaitUntilDeadEverywhereAsync(TestCluster cluster, string meta, SiloAddress silo) =>
        WaitUntilAsync(cluster, meta, status => status(silo) == SiloStatus.Dead, $"{silo} dead", exclude: silo);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds of the silos' statuses in the membership table and in the view of
    /// every running in-process silo (but <paramref name="exclude"/>).
    /// </summary>
    internal static Task WaitUntilAsync(TestCluster cluster, string meta, Func<Func<SiloAddress, SiloStatus>, bool> condition, string description, SiloAddress? exclude = null)
    {
        var last = "";
        return Eventually.WaitAsync(
            async ct =>
            {
                var rows = await MembershipRows.ReadAsync(meta, cluster.Options.ClusterId, ct);
                var views = cluster.Silos.Where(s => !s.SiloAddress.Equals(exclude))
                    .Select(s => cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IClusterMembershipService>().CurrentSnapshot)
                    .ToList();
                last = Describe(rows);
                return condition(silo => rows.SingleOrDefault(r => r.Silo.Equals(silo))?.Status ?? SiloStatus.None)
                    && views.All(view => condition(view.GetSiloStatus));
            },
            MembershipDeadline,
            () => $"{description}; table: {last}",
            Token);
    }

    private static string Describe(IEnumerable<MembershipRow> rows) => string.Join("; ", rows);

    /// <summary>The activations of following and fan grains on <paramref name="silo"/>, from Orleans' management grain.</summary>
    internal static async Task<HashSet<GrainId>> UserGrainsOnAsync(TestCluster cluster, SiloAddress silo)
    {
        var types = new[] { FollowingGrain(cluster, new UserId(1)).Type, cluster.Client.GetGrain<IFanGrain>(1).GetGrainId().Type };
        var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [silo]);
        return [.. statistics.Where(s => types.Contains(s.GrainId.Type)).Select(s => s.GrainId)];
    }

    /// <summary>The silos holding an activation of <paramref name="grain"/>, from Orleans' management grain.</summary>
    internal static async Task<IReadOnlyList<SiloAddress>> HostsOfAsync(TestCluster cluster, GrainId grain) =>
        [.. (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Where(s => s.GrainId == grain).Select(s => s.SiloAddress)];

    internal static GrainId FollowingGrain(TestCluster cluster, UserId user) => cluster.Client.GetGrain<IFollowingGrain>(user.Value).GetGrainId();

    /// <summary>The edge store of a running silo, to read rows and counts straight from the shards.</summary>
    internal static EdgeStore Store(TestCluster cluster) => cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<EdgeStore>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
