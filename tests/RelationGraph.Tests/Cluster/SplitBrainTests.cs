using Orleans.Runtime;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cluster;

/// <summary>
/// Orleans keeps one activation per grain in steady state, but during a membership change two can briefly live at once,
/// and it cannot be made to hold two on demand. A split brain is made for real instead: two test clusters with different
/// cluster ids on the same meta database share the shard map and the shards, while each has a membership of its own, so
/// each activates its own copy of the same user's grains. Both write the same edges at once; the versioned
/// (last-writer-wins) writes must leave the two copies of every edge in agreement and the counts equal to the rows.
/// </summary>
public sealed class SplitBrainTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Two_activations_of_one_user_writing_the_same_edges_at_once_leave_rows_and_counts_in_agreement()
    {
        var meta = postgres.NewDatabase("split_brain");
        var serviceId = $"split-brain-{Guid.NewGuid():N}";
        // No list caching, so each side reads what the other wrote at once.
        var settings = new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync", ["RelationGraph:ListCache:TimeToLive"] = "00:00:00" };
        await using var left = await StartAsync(meta, serviceId, settings);
        await using var right = await StartAsync(meta, serviceId, settings);
        Assert.NotEqual(left.Options.ClusterId, right.Options.ClusterId);
        await using var leftClient = await left.ConnectRelationGraphClientAsync(cancellationToken: Token);
        await using var rightClient = await right.ConnectRelationGraphClientAsync(cancellationToken: Token);
        Assert.Equal([left.Silos[0].SiloAddress.ToParsableString()], (await leftClient.GetSilosAsync(Token)).Select(s => s.Address));
        Assert.Equal([right.Silos[0].SiloAddress.ToParsableString()], (await rightClient.GetSilosAsync(Token)).Select(s => s.Address));

        var user = new UserId(1);
        var targets = Enumerable.Range(2, 10).Select(i => new UserId(i)).ToList();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sides = new[] { leftClient, rightClient }.Select((client, side) => Task.Run(async () =>
        {
            var random = new Random(7 + side);
            await go.Task;
            for (var step = 0; step < 100; step++)
            {
                var target = targets[(step * 7 + side) % targets.Count];
                var result = random.Next(3) == 0
                    ? await client.UnfollowAsync(user, target, Token)
                    : await client.FollowAsync(user, target, Token);
                Assert.Equal(user, result.UserId);
            }
        }, Token)).ToList();
        go.SetResult();
        await Task.WhenAll(sides);

        // Each cluster had an activation of the user's following grain: two at once, for the same user.
        Assert.Single(await HostsAsync(left, user));
        Assert.Single(await HostsAsync(right, user));

        var store = FailoverTests.Store(left);
        var all = new PageRequest(PageRequest.MaxLimit);
        var following = (await store.GetPageAsync(EdgeDirection.Following, user, all, cancellationToken: Token)).Items.Select(i => i.UserId).ToHashSet();
        Assert.Equal(following.Count, await store.GetCountAsync(EdgeDirection.Following, user, Token));
        foreach (var target in targets)
        {
            var fans = (await store.GetPageAsync(EdgeDirection.Fans, target, all, cancellationToken: Token)).Items.Select(i => i.UserId).ToList();
            Assert.Equal(following.Contains(target) ? new List<UserId> { user } : [], fans);
            Assert.Equal(fans.Count, await store.GetCountAsync(EdgeDirection.Fans, target, Token));
        }

        // And both sides tell their users the same.
        foreach (var client in new[] { leftClient, rightClient })
        {
            Assert.Equal(following.Order(), (await client.GetFollowingAsync(user, all, Token)).Items.Select(i => i.UserId).Order());
            Assert.Equal(following.Count, (await client.GetCountsAsync(user, Token)).Following);
            foreach (var target in targets)
            {
                Assert.Equal(following.Contains(target), (await client.GetRelationAsync(user, target, Token)).Following);
                Assert.Equal(following.Contains(target) ? 1 : 0, (await client.GetCountsAsync(target, Token)).Fans);
            }
        }
    }

    private static async Task<TestCluster> StartAsync(string meta, string serviceId, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = new TestClusterBuilder(1).AddRelationGraph(meta, settings).AddSiloBuilderConfigurator<DefaultFailureDetection>();
        builder.Options.ServiceId = serviceId;
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

        return cluster;
    }

    private static async Task<IReadOnlyList<SiloAddress>> HostsAsync(TestCluster cluster, UserId user) =>
        await FailoverTests.HostsOfAsync(cluster, FailoverTests.FollowingGrain(cluster, user));

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
