using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cluster;

/// <summary>
/// Routing and the client SDK on one three-silo cluster shared by the class (Sync mode): one activation per user whoever
/// calls, every operation across silos, typed errors, gateways from the membership table, a client in a host, and clients
/// of another cluster refused. (Invalid client options are in <see cref="ClientOptionsTests"/>.)
/// </summary>
public sealed class ClusterRoutingTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Calls_from_a_client_and_from_every_silo_land_on_one_activation_per_user()
    {
        var users = Enumerable.Range(0, 40).Select(_ => fixture.NewUser()).ToList();
        var celebrity = fixture.NewUser();
        await Task.WhenAll(users.Select(u => fixture.Client.FollowAsync(u, celebrity, Token)));
        foreach (var silo in Cluster.Silos)
        {
            var grains = Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IGrainFactory>();
            await Task.WhenAll(users.Select(u => grains.GetGrain<IFollowingGrain>(u.Value).GetFollowingCountAsync()));
            Assert.Equal(users.Count, await grains.GetGrain<IFanGrain>(celebrity.Value).GetFanCountAsync());
        }

        var activations = await ActivationsAsync();
        var hosts = users.Select(u => activations.GetValueOrDefault(FollowingGrainId(u)) ?? []).ToList();
        Assert.All(hosts, h => Assert.Single(h));
        Assert.True(hosts.Select(h => h[0]).Distinct().Count() > 1, "all following grains landed on one silo");
        Assert.Single(activations[Grains.GetGrain<IFanGrain>(celebrity.Value).GetGrainId()]);
        Assert.All(hosts.SelectMany(h => h), h => Assert.Contains(h, Cluster.Silos.Select(s => s.SiloAddress)));
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
        Assert.False((await fixture.Client.UnfollowAsync(a, b, Token)).Changed);
        Assert.False((await fixture.Client.GetRelationAsync(a, b, Token)).Following);
        Assert.True((await fixture.Client.GetRelationAsync(a, b, Token)).FollowedBy);
        Assert.Equal(new Counts(a, 0, 1), await fixture.Client.GetCountsAsync(a, Token));
        Assert.Equal(new Counts(b, 1, 0), await fixture.Client.GetCountsAsync(b, Token));

        // The grains of a and b sit on more than one silo between them, or the calls above crossed none.
        var activations = await ActivationsAsync();
        var silos = new[] { FollowingGrainId(a), FollowingGrainId(b), Grains.GetGrain<IFanGrain>(a.Value).GetGrainId(), Grains.GetGrain<IFanGrain>(b.Value).GetGrainId() }
            .Select(g => Assert.Single(activations[g]))
            .ToList();
        Assert.All(silos, s => Assert.Contains(s, Cluster.Silos.Select(h => h.SiloAddress)));
    }

    [Fact]
    public async Task The_client_raises_typed_errors_and_writes_nothing_for_bad_input()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.FollowAsync(a, a, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.UnfollowAsync(a, a, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetRelationAsync(a, a, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fixture.Client.GetFansAsync(a, new PageRequest(0), Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fixture.Client.GetFollowingAsync(a, new PageRequest(PageRequest.MaxLimit + 1), Token));
        var cursor = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetFansAsync(a, new PageRequest(10, "garbage!"), Token));
        Assert.Contains("cursor", cursor.Message, StringComparison.Ordinal);
        var followingCursor = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetFollowingAsync(a, new PageRequest(10, "garbage!"), Token));
        Assert.Contains("cursor", followingCursor.Message, StringComparison.Ordinal);

        // The grains check too, for callers that skip the client: a self-follow sent straight to the grain is refused there.
        var direct = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.ClusterClient.GetGrain<IFollowingGrain>(b.Value).FollowAsync(b));
        Assert.Contains("themselves", direct.Message, StringComparison.Ordinal);

        Assert.Equal(new Counts(a, 0, 0), await fixture.Client.GetCountsAsync(a, Token));
        Assert.Equal(new Counts(b, 0, 0), await fixture.Client.GetCountsAsync(b, Token));
        Assert.Empty((await fixture.Client.GetFollowingAsync(a, cancellationToken: Token)).Items);
        Assert.Empty((await fixture.Client.GetFansAsync(a, cancellationToken: Token)).Items);
    }

    [Fact]
    public async Task A_client_of_another_cluster_is_refused_by_the_gateways()
    {
        // Orleans' gateway compares the cluster id in the client's connection preamble with its own and closes the
        // connection on a mismatch; depending on who reads first the client sees "Unexpected cluster id" or a closed
        // connection, always as a failure to connect to every gateway.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Cluster.ConnectRelationGraphClientAsync(o =>
        {
            o.ClusterId = "not-this-cluster";
            o.MaxAttempts = 1;
        }, Token));

        Assert.IsType<ConnectionFailedException>(refused, exactMatch: false);
        // The same options with the right cluster id connect.
        await using var control = await Cluster.ConnectRelationGraphClientAsync(o => o.MaxAttempts = 1, Token);
        Assert.Equal(0, (await control.GetCountsAsync(fixture.NewUser(), Token)).Following);
    }

    [Fact]
    public async Task A_client_of_another_cluster_finds_no_gateway_in_the_membership_table()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => RelationGraphClient.ConnectAsync(new RelationGraphClientOptions
        {
            MembershipConnectionString = fixture.MetaConnectionString,
            ClusterId = "not-this-cluster",
            ServiceId = Cluster.Options.ServiceId,
            UseTls = false,
        }, cancellationToken: Token));

        Assert.IsType<SiloUnavailableException>(refused, exactMatch: false);
    }

    [Fact]
    public async Task A_client_can_find_the_gateways_in_the_membership_table()
    {
        await using var client = await RelationGraphClient.ConnectAsync(new RelationGraphClientOptions
        {
            MembershipConnectionString = fixture.MetaConnectionString,
            ClusterId = Cluster.Options.ClusterId,
            ServiceId = Cluster.Options.ServiceId,
            UseTls = false,
        }, cancellationToken: Token);

        var silos = await client.GetSilosAsync(Token);

        Assert.Equal(
            Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).Order(),
            silos.Where(s => s.Status == nameof(SiloStatus.Active)).Select(s => s.Address).Order());
        Assert.All(silos.Where(s => s.Status == nameof(SiloStatus.Active)), s => Assert.NotEqual(0, s.GatewayPort));
        var (a, b) = (fixture.NewUser(), fixture.NewUser());
        Assert.True((await client.FollowAsync(a, b, Token)).Following);
        Assert.Equal(1, (await fixture.Client.GetCountsAsync(b, Token)).Fans);
    }

    [Fact]
    public async Task A_host_gets_a_connected_client_from_AddRelationGraphClient()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRelationGraphClient(o =>
        {
            o.Gateways.Add(Cluster.Gateways()[0]);
            o.ClusterId = Cluster.Options.ClusterId;
            o.ServiceId = Cluster.Options.ServiceId;
            o.UseTls = false;
        });
        using var host = builder.Build();
        await host.StartAsync(Token);

        var client = host.Services.GetRequiredService<IRelationGraphClient>();
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        Assert.True((await client.FollowAsync(a, b, Token)).Changed);
        Assert.Equal(Cluster.Silos.Count, (await client.GetSilosAsync(Token)).Count(s => s.Status == nameof(SiloStatus.Active)));
        Assert.True((await host.Services.GetRequiredService<IClusterClient>().GetGrain<IFollowingGrain>(a.Value).IsFollowingAsync(b)));
        await host.StopAsync(Token);
    }

    private IGrainFactory Grains => fixture.Client.ClusterClient;

    private GrainId FollowingGrainId(UserId user) => Grains.GetGrain<IFollowingGrain>(user.Value).GetGrainId();

    /// <summary>Every activation in the cluster by grain, as Orleans' management grain reports them from each silo.</summary>
    private async Task<Dictionary<GrainId, List<SiloAddress>>> ActivationsAsync()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.GroupBy(s => s.GrainId).ToDictionary(g => g.Key, g => g.Select(s => s.SiloAddress).ToList());
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
