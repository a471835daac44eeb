using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cluster;

public sealed class RateLimitClientTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private RelationGraphClient _client = null!;

    [Fact]
    public async Task A_refused_write_is_a_typed_exception_with_its_retry_time_and_changes_nothing()
    {
        var (user, first, second) = (new UserId(1), new UserId(2), new UserId(3));
        await _client.FollowAsync(user, first, Token);

        var refused = await Assert.ThrowsAsync<RateLimitedException>(() => _client.FollowAsync(user, second, Token));

        Assert.True(refused.RetryAfter > TimeSpan.FromHours(1), $"RetryAfter {refused.RetryAfter}");
        Assert.False((await _client.GetRelationAsync(user, second, Token)).Following);
        Assert.Equal(0, (await _client.GetCountsAsync(second, Token)).Fans);
    }

    public async ValueTask InitializeAsync()
    {
        _cluster = new TestClusterBuilder(1)
            .AddRelationGraph(postgres.NewDatabase("ratelimit"), new Dictionary<string, string?>
            {
                ["RelationGraph:Redundancy"] = "Sync",
                [RelationGraphTestClusterBuilderExtensions.RateLimitsEnabled] = "true",
                ["RelationGraph:RateLimits:Follow:Burst"] = "1",
                ["RelationGraph:RateLimits:Follow:PerDay"] = "1",
            })
            .Build();
        await _cluster.DeployAsync();
        _client = await _cluster.ConnectRelationGraphClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
