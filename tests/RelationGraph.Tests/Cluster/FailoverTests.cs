using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.PostgreSql;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cluster;

/// <summary>Each test runs its own cluster, since it kills, stops or restarts silos.</summary>
public sealed class FailoverTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Killing_a_silo_during_a_follow_workload_loses_no_acknowledged_follow()
    {
        await using var cluster = await StartClusterAsync("kill");
        await using var client = await cluster.ConnectClientAsync(o => o.MaxAttempts = 12, Token);
        var users = Enumerable.Range(1, 60).Select(i => new UserId(10_000 + i)).ToList();
        var random = new Random(42);
        var follows = users.SelectMany(u => users.Where(v => v != u && random.Next(6) == 0).Select(v => (u, v))).ToList();
        var acknowledged = new ConcurrentBag<(UserId, UserId)>();
        var failures = new ConcurrentBag<Exception>();
        var halfway = new TaskCompletionSource();
        var next = -1;

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < follows.Count)
            {
                try
                {
                    var (follower, followee) = follows[index];
                    var result = await client.FollowAsync(follower, followee, Token);
                    Assert.True(result.Following);
                    acknowledged.Add(follows[index]);
                    if (acknowledged.Count == follows.Count / 3)
                    {
                        halfway.TrySetResult();
                    }
                }
                catch (Exception exception)
                {
                    failures.Add(exception);
                }
            }
        }, Token)).ToList();

        await halfway.Task.WaitAsync(TimeSpan.FromSeconds(60), Token);
        var victim = cluster.Silos[1];
        await cluster.KillSiloAsync(victim);
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        Assert.Equal(follows.Count, acknowledged.Count);
        await cluster.WaitForStableMembershipAsync(cancellationToken: Token);
        Assert.All(cluster.Silos, s => Assert.DoesNotContain(victim.Address, s.View.ActiveSilos));
        foreach (var user in users)
        {
            var expectedFollowing = follows.Where(f => f.u == user).Select(f => f.v).Order().ToList();
            var expectedFans = follows.Where(f => f.v == user).Select(f => f.u).Order().ToList();
            var following = await client.GetFollowingAsync(user, new PageRequest(PageRequest.MaxLimit), Token);
            var fans = await client.GetFansAsync(user, new PageRequest(PageRequest.MaxLimit), Token);
            Assert.Equal(expectedFollowing, following.Items.Select(i => i.UserId).Order());
            Assert.Equal(expectedFans, fans.Items.Select(i => i.UserId).Order());
            Assert.Equal(new Counts(user, expectedFollowing.Count, expectedFans.Count), await client.GetCountsAsync(user, Token));
        }
    }

    [Fact]
    public async Task A_killed_silo_is_declared_dead_quickly_and_its_grains_reactivate_on_the_survivors()
    {
        await using var cluster = await StartClusterAsync("dead");
        await using var client = await cluster.ConnectClientAsync(cancellationToken: Token);
        var victim = cluster.Silos[2];
        var user = Enumerable.Range(1, 1000).Select(i => new UserId(i)).First(u => victim.View.PlaceGrain(Actors.GrainId.Create("following", u.Value)) == victim.Address);
        await client.FollowAsync(user, new UserId(999_999), Token);
        Assert.Contains(victim.Catalog.GetActivations(), a => a.GrainId.Key == user.ToString());

        var clock = Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);
        await cluster.WaitForStableMembershipAsync(TimeSpan.FromSeconds(20), Token);
        var detection = clock.Elapsed;

        Assert.True(detection < TimeSpan.FromSeconds(10), $"detection took {detection}");
        Assert.Equal(1, (await client.GetCountsAsync(user, Token)).Following);
        Assert.Single(cluster.Silos, s => s.Catalog.GetActivations().Any(a => a.GrainId == Actors.GrainId.Create("following", user.Value)));
        var row = (await ReadTableAsync(cluster)).Find(victim.Address);
        Assert.Equal(SiloStatus.Dead, row?.Entry.Status);
        Assert.NotEmpty(row!.Entry.Suspicions);
    }

    [Fact]
    public async Task A_restarted_silo_rejoins_with_a_new_generation()
    {
        await using var cluster = await StartClusterAsync("restart");
        var old = cluster.Silos[0];
        var oldAddress = old.Address;

        var restarted = await cluster.RestartSiloAsync(old, Token);
        await cluster.WaitForStableMembershipAsync(cancellationToken: Token);

        Assert.Equal(oldAddress.Port, restarted.Address.Port);
        Assert.True(restarted.Address.Generation > oldAddress.Generation);
        var table = await ReadTableAsync(cluster);
        Assert.Equal(SiloStatus.Dead, table.Find(oldAddress)?.Entry.Status);
        Assert.Equal(SiloStatus.Active, table.Find(restarted.Address)?.Entry.Status);
        await using var client = await cluster.ConnectClientAsync(cancellationToken: Token);
        Assert.True((await client.FollowAsync(new UserId(1), new UserId(2), Token)).Following);
    }

    [Fact]
    public async Task A_gracefully_stopped_silo_leaves_the_table_without_suspicion()
    {
        await using var cluster = await StartClusterAsync("graceful");
        var leaving = cluster.Silos[1];
        var address = leaving.Address;

        await cluster.StopSiloAsync(leaving, Token);
        await cluster.WaitForStableMembershipAsync(cancellationToken: Token);

        var row = (await ReadTableAsync(cluster)).Find(address);
        Assert.Equal(SiloStatus.Dead, row?.Entry.Status);
        Assert.Empty(row!.Entry.Suspicions);
    }

    [Fact]
    public async Task A_silo_that_finds_itself_declared_dead_stops()
    {
        await using var cluster = await StartClusterAsync("self-stop");
        var doomed = cluster.Silos[0];
        var stopping = new TaskCompletionSource();
        doomed.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        await using var table = Table(cluster);
        await table.InitializeAsync(Token);

        var snapshot = await table.ReadAllAsync(Token);
        var row = snapshot.Find(doomed.Address)!;
        Assert.True(await table.UpdateRowAsync(row.Entry with { Status = SiloStatus.Dead }, row.ETag, snapshot.Version, Token));

        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.True(doomed.Services.GetRequiredService<Actors.Runtime.SiloControl>().IsKilled);
    }

    private async Task<TestCluster> StartClusterAsync(string name) =>
        await TestCluster.StartAsync(new TestClusterOptions
        {
            MetaConnectionString = postgres.NewDatabase(name.Replace('-', '_')),
            Settings = new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync" },
        }, Token);

    private static PostgresMembershipTable Table(TestCluster cluster)
    {
        var silo = cluster.Silos[0].Services;
        return new PostgresMembershipTable(
            Options.Create(new PostgresClusteringOptions
            {
                ConnectionString = silo.GetRequiredService<IOptions<RelationGraph.Persistence.StorageOptions>>().Value.ConnectionString,
            }),
            Options.Create(silo.GetRequiredService<IOptions<SiloOptions>>().Value));
    }

    private static async Task<MembershipTableSnapshot> ReadTableAsync(TestCluster cluster)
    {
        await using var table = Table(cluster);
        await table.InitializeAsync(Token);
        return await table.ReadAllAsync(Token);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
