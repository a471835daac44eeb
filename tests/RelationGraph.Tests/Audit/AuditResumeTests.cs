using Orleans.Runtime;
using Orleans.TestingHost;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Audit;

/// <summary>
/// The auditor on a cluster that loses silos: a full scan resumes from its checkpoints on a survivor with the totals of an
/// uninterrupted run, and a schedule reminder keeps firing after its silo restarts and moves when its silo is killed.
/// </summary>
public sealed class AuditResumeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_full_scan_killed_halfway_resumes_on_a_survivor_and_finishes_with_the_totals_of_an_uninterrupted_run()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Sync", new Dictionary<string, string?>
        {
            ["RelationGraph:Audit:FullScanEdgesPerSecond"] = "200",
            ["RelationGraph:Audit:Segments"] = "4",
        }, silos: 3, killsSilos: true);
        var edges = await cluster.FollowManyAsync(firstUser: 1_000, users: 80, count: 600, seed: 5);
        var damage = await AuditDamage.InjectAsync(cluster, edges, firstUser: 1_000, users: 80, Token);
        var uninterrupted = await cluster.RunAsync(AuditKind.Full, Token);
        Assert.Equal(damage.Expected, uninterrupted.Found);
        Assert.Empty(await cluster.DivergencesAsync(Token));

        // The same damage again, and a run whose silo is killed once it is a third of the way through.
        await AuditDamage.InjectAsync(cluster, edges, firstUser: 1_000, users: 80, Token);
        var started = await cluster.Auditor().StartRunAsync(AuditKind.Full);
        await Eventually.ValueAsync(async _ => (await cluster.Auditor().GetRunAsync(started.RunId))!, r => r.Scanned >= uninterrupted.Scanned / 3, AuditCluster.RunDeadline, "a third of the run", Token);
        var victim = await SiloHostingAsync(cluster, "fullscan");
        await cluster.KillSiloAsync(cluster.Silos.Single(s => s.SiloAddress.Equals(victim)), Token);

        var resumed = await cluster.WaitForRunAsync(started.RunId, Token);

        Assert.Equal(AuditRunState.Completed, resumed.State);
        Assert.Equal(uninterrupted.Scanned, resumed.Scanned);
        Assert.Equal(uninterrupted.Found, resumed.Found);
        Assert.Equal(uninterrupted.Repaired, resumed.Repaired);
        Assert.Empty(await cluster.DivergencesAsync(Token));
    }

    [Fact]
    public async Task A_schedule_reminder_keeps_firing_after_its_silo_restarts_and_moves_when_its_silo_is_killed()
    {
        await using var cluster = await AuditCluster.StartAsync(postgres, "Sync", new Dictionary<string, string?>
        {
            ["RelationGraph:Audit:Scheduled"] = "true",
            ["RelationGraph:Audit:IncrementalInterval"] = "00:00:02",
        }, silos: 3, killsSilos: true);
        await cluster.FollowManyAsync(firstUser: 1_000, users: 20, count: 40, seed: 6);
        await NextScheduledRunAsync(cluster, DateTimeOffset.MinValue);

        var host = await SiloHostingAsync(cluster, "auditrun");
        await cluster.RestartSiloAsync(cluster.Silos.Single(s => s.SiloAddress.Equals(host)));
        var restarted = DateTimeOffset.UtcNow;
        await NextScheduledRunAsync(cluster, restarted);

        host = await SiloHostingAsync(cluster, "auditrun");
        await cluster.KillSiloAsync(cluster.Silos.Single(s => s.SiloAddress.Equals(host)), Token);
        var killed = DateTimeOffset.UtcNow;
        await NextScheduledRunAsync(cluster, killed);

        Assert.NotEqual(host, await SiloHostingAsync(cluster, "auditrun"));
    }

    private static Task<AuditRun> NextScheduledRunAsync(TestCluster cluster, DateTimeOffset after) =>
        Eventually.ValueAsync(
            async _ => (await cluster.TryAuditorAsync(a => a.GetRunsAsync(10)))?.FirstOrDefault(r => r.Kind == AuditKind.Incremental && r.StartedAt > after && r.State == AuditRunState.Completed),
            r => r is not null, TimeSpan.FromSeconds(60), $"a scheduled incremental run after {after:O}", Token)!;

    /// <summary>The silo with an activation of a grain whose type name contains <paramref name="type"/> (a coordinator, a segment).</summary>
    private static async Task<SiloAddress> SiloHostingAsync(TestCluster cluster, string type)
    {
        var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var hosts = statistics.Where(s => s.GrainId.Type.ToString()!.Contains(type, StringComparison.OrdinalIgnoreCase)).Select(s => s.SiloAddress).Distinct().ToList();
        Assert.NotEmpty(hosts);

        // Rather not the first silo, which the test cluster's client and the other silos joined through.
        return hosts.FirstOrDefault(h => !h.Equals(cluster.Silos[0].SiloAddress)) ?? hosts[0];
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
