using Orleans.TestingHost;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.OrleansProviders;

/// <summary>A one-silo RelationGraph test cluster (Sync mode) on a meta database of its own, shared by the provider tests of one class.</summary>
public sealed class ProviderClusterFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextKey;

    public TestCluster Cluster { get; private set; } = null!;

    public string MetaConnectionString { get; } = postgres.NewDatabase("providers");

    /// <summary>A grain key no other test of the class uses.</summary>
    public long NewKey() => Interlocked.Increment(ref _nextKey);

    public async ValueTask InitializeAsync()
    {
        Cluster = new TestClusterBuilder(1)
            .AddRelationGraph(MetaConnectionString, new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync" })
            .AddSiloBuilderConfigurator<DefaultFailureDetection>()
            .Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
