using Orleans.TestingHost;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Testing;

/// <summary>Joins Orleans' <see cref="TestCluster"/> to RelationGraph on a real PostgreSQL.</summary>
public static class RelationGraphTestClusterBuilderExtensions
{
    /// <summary>The key that switches the per-user write rate limits, off in test and benchmark silos unless a test sets it.</summary>
    public const string RateLimitsEnabled = "RelationGraph:RateLimits:Enabled";

    /// <summary>
    /// Configures <paramref name="builder"/> to run RelationGraph silos on the meta database at
    /// <paramref name="metaConnectionString"/> (created and migrated by the first silo), with Orleans' ADO.NET clustering
    /// there instead of the test cluster's in-memory membership, over loopback TCP, so that clients outside the test
    /// cluster (the SDK, the CLI) can connect too; without TLS unless <paramref name="settings"/> set
    /// <c>RelationGraph:UseTls</c> and <c>RelationGraph:ClusterCertificatePath</c>. <paramref name="settings"/> are further
    /// configuration keys (<c>RelationGraph:Redundancy</c>, ...). Add more configurators (fault injection) after this call.
    /// </summary>
    public static TestClusterBuilder AddRelationGraph(this TestClusterBuilder builder, string metaConnectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;

        // TestClusterBuilder opts its silos into Orleans' experimental distributed grain directory. RelationGraph's silos
        // run Orleans' default directory, and so must the silos that test them: a cluster can mix test silos with a silo
        // host process, and the experimental directory's update loop spins on a CPU core once its silo's host is disposed
        // without a clean stop (a killed or refused silo), which starves every other test on the machine.
        builder.Options.SiloBuilderConfiguratorTypes.RemoveAll(type => type?.StartsWith("Orleans.TestingHost.ConfigureDistributedGrainDirectory,", StringComparison.Ordinal) == true);
        builder.Properties[$"{StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}"] = metaConnectionString;
        builder.Properties[$"{StorageOptions.SectionName}:UseTls"] = "false";

        // Several clusters share the test machine's two cores: two outbox queues per shard rather than eight keep the
        // idle pulling agents' polls from crowding out the tests' own work. Settings below can still ask for more.
        builder.Properties[$"{StreamOptions.SectionName}:QueuesPerDatabase"] = "2";

        // On a test machine busy with several clusters, opening a connection can take longer than production's 3 s.
        builder.Properties[$"{StorageOptions.SectionName}:{nameof(StorageOptions.ShardConnectTimeout)}"] = "00:00:15";

        // Tests write as a few users at machine speed; the per-user write limits are tested with them switched on.
        builder.Properties[RateLimitsEnabled] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<RelationGraphSiloConfigurator>();
        builder.AddClientBuilderConfigurator<RelationGraphClientConfigurator>();
        return builder;
    }
}
