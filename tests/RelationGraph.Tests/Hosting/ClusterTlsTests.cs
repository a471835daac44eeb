using System.Security.Authentication;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hosting;

/// <summary>Silos and clients connect over TLS with mutual authentication, and trust only the cluster's own certificate.</summary>
public sealed class ClusterTlsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("relationgraph-tls-");
    private TestCluster _cluster = null!;

    private string ClusterCertificate => Path.Combine(_certificates.FullName, "cluster", DevelopmentClusterCertificate.FileName);

    private string OtherCertificate => Path.Combine(_certificates.FullName, "other", DevelopmentClusterCertificate.FileName);

    public async ValueTask InitializeAsync()
    {
        DevelopmentClusterCertificate.LoadOrCreate(Path.GetDirectoryName(ClusterCertificate)!).Dispose();
        DevelopmentClusterCertificate.LoadOrCreate(Path.GetDirectoryName(OtherCertificate)!).Dispose();
        _cluster = await StartClusterAsync("tls");
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _certificates.Delete(recursive: true);
    }

    [Fact]
    public async Task A_client_presenting_the_cluster_certificate_is_served()
    {
        await using var client = await ConnectAsync(o => o.ClusterCertificatePath = ClusterCertificate);

        Assert.True((await client.FollowAsync(new UserId(1), new UserId(2), Token)).Following);
        Assert.True((await _cluster.Client.GetGrain<IFollowingGrain>(1).IsFollowingAsync(new UserId(2))));
    }

    [Fact]
    public async Task A_client_with_another_certificate_is_refused()
    {
        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(o => o.ClusterCertificatePath = OtherCertificate));
    }

    [Fact]
    public async Task A_client_without_TLS_is_refused()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(o => o.UseTls = false));

        Assert.IsNotType<AuthenticationException>(error);
    }

    [Fact]
    public async Task A_silo_with_another_certificate_cannot_join()
    {
        // A cluster of its own, so the refused silo's traces in the membership table stay out of the other tests.
        await using var cluster = await StartClusterAsync("tls_join");
        var overrides = new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["RelationGraph:ClusterCertificatePath"] = OtherCertificate },
        };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => cluster.StartSiloAsync(cluster.Silos.Count, cluster.Options, [overrides], startSiloOnNewPort: true, Token));

        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, Token);
        // Its handshakes with the cluster fail, so it never validates connectivity to the active silos and gives up joining.
        Assert.Contains("ValidateInitialConnectivity", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(cluster.Silos.Select(s => s.SiloAddress), hosts.Keys);
    }

    private async Task<TestCluster> StartClusterAsync(string database)
    {
        var cluster = new TestClusterBuilder(1)
            .AddRelationGraph(postgres.NewDatabase(database), new Dictionary<string, string?>
            {
                ["RelationGraph:Redundancy"] = "Sync",
                ["RelationGraph:UseTls"] = "true",
                ["RelationGraph:ClusterCertificatePath"] = ClusterCertificate,
            })
            .AddSiloBuilderConfigurator<ShortJoinTimeout>()
            .Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private Task<Client.RelationGraphClient> ConnectAsync(Action<Client.RelationGraphClientOptions> configure) =>
        _cluster.ConnectRelationGraphClientAsync(o =>
        {
            o.UseTls = true;
            o.MaxAttempts = 1;
            configure(o);
        }, Token);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A silo that cannot reach its peers gives up joining after seconds rather than Orleans' five minutes.</summary>
    public sealed class ShortJoinTimeout : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.Services.Configure<ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = TimeSpan.FromSeconds(10));
    }
}
