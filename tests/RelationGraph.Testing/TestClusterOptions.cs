namespace RelationGraph.Testing;

/// <summary>How a <see cref="TestCluster"/> is set up.</summary>
public sealed class TestClusterOptions
{
    /// <summary>The meta database the silos share (shard map, membership); created when missing.</summary>
    public required string MetaConnectionString { get; init; }

    /// <summary>Silos started by <see cref="TestCluster.StartAsync"/>. Default 3.</summary>
    public int InitialSilosCount { get; init; } = 3;

    /// <summary>The cluster id. Default <c>test</c>.</summary>
    public string ClusterId { get; init; } = "test";

    /// <summary>The shared secret. Default a fixed test secret.</summary>
    public string ClusterSecret { get; init; } = "test-cluster-secret";

    /// <summary>Further configuration of every silo, on top of fast failure detection (dead within about a second).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Further services of every silo, for fault injection.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices { get; init; }
}
