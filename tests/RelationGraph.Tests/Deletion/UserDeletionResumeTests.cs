using Orleans.Runtime;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence.BulkImport;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.OrleansProviders;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Deletion;

/// <summary>A big deletion on a cluster that loses the silo running it: its reminder resumes it on a survivor, and it finishes.</summary>
public sealed class UserDeletionResumeTests(PostgresFixture postgres) : IDisposable
{
    private const int Fans = 100_000;
    private const int Follows = 1_000;
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public async Task A_deletion_of_a_user_with_100k_fans_killed_halfway_resumes_and_leaves_nothing_and_exact_counts()
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, "Stream", new Dictionary<string, string?>
        {
            ["RelationGraph:Deletion:PageSize"] = "200",
            ["RelationGraph:Deletion:ResumePeriod"] = "00:00:02",
            ["RelationGraph:Deletion:SliceDuration"] = "00:00:00.200",
        }, silos: 3, meta: postgres.NewDatabase("deletion_resume"), killsSilos: true, configure: builder => builder.AddSiloBuilderConfigurator<FastReminders>());
        var star = new UserId(1);
        var lines = Enumerable.Range(0, Fans).Select(i => $"{1_000_000 + i},1")
            .Concat(Enumerable.Range(0, Follows).Select(i => $"1,{2_000_000 + i}"));
        await File.WriteAllLinesAsync(_file, lines, Token);
        await new EdgeImporter(cluster.Shards()).ImportAsync(_file, cancellationToken: Token);

        var started = await cluster.Client.GetGrain<IUserDeletionGrain>(star.Value).DeleteAsync();
        Assert.Equal(Fans + Follows, started.Total);
        await Eventually.ValueAsync(_ => cluster.Client.GetGrain<IUserDeletionGrain>(star.Value).GetAsync(), d => d!.Removed >= started.Total / 2, DeletionChecks.Deadline, "half the rows removed", Token);
        var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, null, Token);
        var host = statistics.Single(s => s.GrainId.Type.ToString()!.Contains("userdeletion", StringComparison.OrdinalIgnoreCase)).SiloAddress;
        var halfway = await cluster.Client.GetGrain<IUserDeletionGrain>(star.Value).GetAsync();
        Assert.Equal(UserDeletionState.Deleting, halfway!.State);
        var newcomer = new UserId(3_000_000);
        await Assert.ThrowsAsync<UserDeletedException>(() => cluster.Client.GetGrain<IFanGrain>(star.Value).GetFansAsync(new PageRequest(10)));
        await Assert.ThrowsAsync<UserDeletedException>(() => cluster.Client.GetGrain<IFollowingGrain>(newcomer.Value).FollowAsync(star));
        await Assert.ThrowsAsync<UserDeletedException>(() => cluster.Client.GetGrain<ISocialGrain>(star.Value).BlockAsync(newcomer));
        await cluster.KillSiloAsync(cluster.Silos.Single(s => s.SiloAddress.Equals(host)), Token);

        var deleted = await cluster.WaitForDeletionAsync(star, Token);

        Assert.Equal(started.Total, deleted.Removed);
        Assert.Empty(await DeletionChecks.TracesOfAsync(cluster.Shards(), star, Token));
        Assert.Empty(await cluster.Shards().CountDriftsAsync(Token));
        foreach (var shard in cluster.Shards().All)
        {
            // Every edge of this graph was the deleted user's: every other user's count is back to zero.
            Assert.Equal(0, await shard.ScalarAsync<long>("SELECT count(*) FROM edge_counts WHERE count <> 0", Token));
            Assert.Equal(0, await shard.ScalarAsync<long>("SELECT count(*) FROM edges", Token));
        }
    }

    public void Dispose() => File.Delete(_file);

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
