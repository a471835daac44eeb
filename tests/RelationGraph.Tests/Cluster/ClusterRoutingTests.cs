using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RelationGraph.Abstractions;
using RelationGraph.Actors;
using RelationGraph.Actors.Runtime;
using RelationGraph.Client;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cluster;

public sealed class ClusterRoutingTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Calls_from_a_client_and_from_every_silo_land_on_one_activation_per_user()
    {
        var users = Enumerable.Range(0, 40).Select(_ => fixture.NewUser()).ToList();
        var celebrity = fixture.NewUser();
        await Task.WhenAll(users.Select(u => fixture.Client.FollowAsync(u, celebrity, Token)));
        foreach (var silo in fixture.Cluster.Silos)
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            await Task.WhenAll(users.Select(u => grains.GetGrain<IFollowingGrain>(u.Value).GetFollowingCountAsync()));
        }

        var hosts = users.Select(u => fixture.Cluster.Silos.Where(s => Hosts(s.Catalog, "following", u)).ToList()).ToList();
        Assert.All(hosts, h => Assert.Single(h));
        Assert.True(hosts.Select(h => h[0]).Distinct().Count() > 1, "all grains landed on one silo");
        Assert.Single(fixture.Cluster.Silos, s => Hosts(s.Catalog, "fan", celebrity));
        Assert.Equal(users.Count, (await fixture.Client.GetCountsAsync(celebrity, Token)).Fans);
    }

    [Fact]
    public async Task Every_client_operation_works_across_silos()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        Assert.True((await fixture.Client.FollowAsync(a, b, Token)).Changed);
        Assert.False((await fixture.Client.FollowAsync(a, b, Token)).Changed);
        await fixture.Client.FollowAsync(b, a, Token);

        Assert.True((await fixture.Client.GetRelationAsync(a, b, Token)).Mutual);
        Assert.Equal([b], (await fixture.Client.GetFollowingAsync(a, cancellationToken: Token)).Items.Select(i => i.UserId));
        Assert.Equal([b], (await fixture.Client.GetFansAsync(a, new PageRequest(10), Token)).Items.Select(i => i.UserId));
        Assert.Equal(new Counts(a, 1, 1), await fixture.Client.GetCountsAsync(a, Token));
        Assert.True((await fixture.Client.UnfollowAsync(a, b, Token)).Changed);
        Assert.False((await fixture.Client.GetRelationAsync(a, b, Token)).Following);
    }

    [Fact]
    public async Task The_client_raises_typed_errors_and_writes_nothing_for_bad_input()
    {
        var a = fixture.NewUser();

        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.FollowAsync(a, a, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fixture.Client.GetFansAsync(a, new PageRequest(0), Token));
        var cursor = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetFansAsync(a, new PageRequest(10, "garbage!"), Token));
        Assert.Contains("cursor", cursor.Message, StringComparison.Ordinal);
        Assert.Equal(new Counts(a, 0, 0), await fixture.Client.GetCountsAsync(a, Token));
    }

    [Fact]
    public async Task A_client_with_the_wrong_secret_or_cluster_is_refused()
    {
        var secret = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => fixture.Cluster.ConnectClientAsync(o => o.ClusterSecret = "not-the-secret", Token));
        var cluster = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => fixture.Cluster.ConnectClientAsync(o => o.ClusterId = "other", Token));

        Assert.Contains("wrong cluster secret", secret.Message, StringComparison.Ordinal);
        Assert.Contains("not this cluster", cluster.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_can_find_the_gateways_in_the_membership_table()
    {
        await using var client = await RelationGraphClient.ConnectAsync(new RelationGraphClientOptions
        {
            MembershipConnectionString = fixture.MetaConnectionString,
            ClusterId = "test",
            ClusterSecret = "test-cluster-secret",
        }, cancellationToken: Token);

        var silos = await client.GetSilosAsync(Token);

        Assert.Equal(fixture.Cluster.Silos.Select(s => s.Address.ToString()).Order(), silos.Where(s => s.Status == "Active").Select(s => s.Address).Order());
        var (a, b) = (fixture.NewUser(), fixture.NewUser());
        Assert.True((await client.FollowAsync(a, b, Token)).Following);
    }

    [Fact]
    public async Task Duplicate_activations_during_a_view_change_are_tolerated_by_the_versioned_writes()
    {
        // Force what a membership change can briefly cause: one user's following grain active on two silos at
        // once, both writing the same edges. The last-writer-wins rows must still converge and counts match rows.
        var user = fixture.NewUser();
        var targets = Enumerable.Range(0, 10).Select(_ => fixture.NewUser()).ToList();
        var follow = GrainMethod.For(typeof(IFollowingGrain).GetMethod(nameof(IFollowingGrain.FollowAsync))!);
        var unfollow = GrainMethod.For(typeof(IFollowingGrain).GetMethod(nameof(IFollowingGrain.UnfollowAsync))!);
        var grain = GrainId.Create("following", user.Value);
        var twins = fixture.Cluster.Silos.Take(2).Select(s => s.Catalog).ToList();
        await Task.WhenAll(twins.Select(async (catalog, i) =>
        {
            var random = new Random(7 + i);
            for (var step = 0; step < 60; step++)
            {
                var method = random.Next(3) == 0 ? unfollow : follow;
                await catalog.InvokeAsync(new GrainCall(grain, method, [targets[(step * 7 + i) % targets.Count]]), TimeSpan.FromSeconds(10), Token);
            }
        }));

        Assert.All(twins, c => Assert.Contains(c.GetActivations(), a => a.GrainId == grain));
        var following = await fixture.Client.GetFollowingAsync(user, new PageRequest(PageRequest.MaxLimit), Token);
        Assert.Equal(following.Items.Count, (await fixture.Client.GetCountsAsync(user, Token)).Following);
        foreach (var target in targets)
        {
            var isFan = (await fixture.Client.GetFansAsync(target, cancellationToken: Token)).Items.Any(i => i.UserId == user);
            Assert.Equal(following.Items.Any(i => i.UserId == target), isFan);
            Assert.Equal(isFan ? 1 : 0, (await fixture.Client.GetCountsAsync(target, Token)).Fans);
        }
    }

    [Fact]
    public async Task A_host_gets_a_connected_client_from_AddRelationGraphClient()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddRelationGraphClient(o =>
        {
            o.Gateways.Add(fixture.Cluster.Gateways[0]);
            o.ClusterId = "test";
            o.ClusterSecret = "test-cluster-secret";
        });
        using var host = builder.Build();
        await host.StartAsync(Token);

        var client = host.Services.GetRequiredService<IRelationGraphClient>();
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        Assert.True((await client.FollowAsync(a, b, Token)).Changed);
        Assert.Equal(3, (await client.GetSilosAsync(Token)).Count(s => s.Status == "Active"));
        await host.StopAsync(Token);
    }

    [Theory]
    [InlineData("", "secret", "gateway")]
    [InlineData("localhost", "secret", "ip:port")]
    [InlineData("127.0.0.1:30000", "", "secret")]
    public async Task A_host_with_invalid_client_options_fails_to_start_with_the_reason(string gateway, string secret, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddRelationGraphClient(o =>
        {
            if (gateway.Length > 0)
            {
                o.Gateways.Add(gateway);
            }

            o.ClusterSecret = secret;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.StartAsync(Token));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static bool Hosts(Catalog catalog, string type, UserId user) =>
        catalog.GetActivations().Any(a => a.GrainId == GrainId.Create(type, user.Value));

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
