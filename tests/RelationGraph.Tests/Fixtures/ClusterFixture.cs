using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Fixtures;

/// <summary>A three-silo cluster and a connected client on databases of their own, shared by the tests of one class.</summary>
public sealed class ClusterFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextUserId = 1_000;

    public TestCluster Cluster { get; private set; } = null!;

    public RelationGraphClient Client { get; private set; } = null!;

    public string MetaConnectionString { get; } = postgres.NewDatabase("cluster");

    public UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            MetaConnectionString = MetaConnectionString,
            Settings = new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync" },
        });
        Client = await Cluster.ConnectClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
