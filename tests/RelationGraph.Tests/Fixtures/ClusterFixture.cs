using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Fixtures;

/// <summary>A three-silo Orleans test cluster and a connected SDK client on databases of their own, shared by the tests of one class.</summary>
public sealed class ClusterFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextUserId = 1_000;

    public TestCluster Cluster { get; private set; } = null!;

    public RelationGraphClient Client { get; private set; } = null!;

    public string MetaConnectionString { get; } = postgres.NewDatabase("cluster");

    public UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    public async ValueTask InitializeAsync()
    {
        Cluster = new TestClusterBuilder(3)
            .AddRelationGraph(MetaConnectionString, new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync" })
            .AddSiloBuilderConfigurator<DefaultFailureDetection>()
            .AddSiloBuilderConfigurator<RandomPlacementByDefault>()
            .Build();
        await Cluster.DeployAsync();
        Client = await Cluster.ConnectRelationGraphClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>
    /// Random placement instead of Orleans' default, resource-optimized placement: the test silos share one process, so a
    /// burst of new grains all scored one silo best and landed there (CI saw all 40 users of a routing test on one silo),
    /// and a test of routing across silos needs its grains spread.
    /// </summary>
    private sealed class RandomPlacementByDefault : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.Services.AddSingleton<PlacementStrategy, RandomPlacement>();
    }
}
