using System.Security.Cryptography.X509Certificates;
using Orleans.TestingHost;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cli;

/// <summary>
/// A three-silo test cluster on databases of its own whose silos require TLS with a certificate made for this run, an SDK
/// client on the test cluster's own client (TLS too), and a second certificate the cluster does not know; shared by the
/// tests of one class.
/// </summary>
public sealed class TlsClusterFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan ClusterFormationTimeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("relgraph-cli-");
    private long _nextUserId = 1_000;
    private X509Certificate2? _certificate;

    public TestCluster Cluster { get; private set; } = null!;

    public RelationGraphClient Client { get; private set; } = null!;

    public string MetaConnectionString { get; } = postgres.NewDatabase("cli");

    /// <summary>The cluster certificate's PKCS#12 file (no password).</summary>
    public string CertificatePath => Path.Combine(_root.FullName, "cluster", DevelopmentClusterCertificate.FileName);

    /// <summary>A certificate of the same kind the cluster does not know (another key), as a PKCS#12 file without password.</summary>
    public string WrongCertificatePath => Path.Combine(_root.FullName, "other", DevelopmentClusterCertificate.FileName);

    /// <summary>An empty directory: no default certificate files, a working directory where only the arguments count.</summary>
    public string EmptyDirectory => Path.Combine(_root.FullName, "empty");

    public string ClusterId => Cluster.Options.ClusterId;

    /// <summary>The cluster certificate, for tests that make files of their own from it.</summary>
    public X509Certificate2 Certificate => _certificate ?? throw new InvalidOperationException("Not initialized.");

    public UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    /// <summary>A fresh empty directory under this fixture's, removed with it.</summary>
    public string NewDirectory() => Directory.CreateDirectory(Path.Combine(_root.FullName, "runs", Guid.NewGuid().ToString("N"))).FullName;

    public async ValueTask InitializeAsync()
    {
        _certificate = DevelopmentClusterCertificate.LoadOrCreate(Path.GetDirectoryName(CertificatePath)!);
        DevelopmentClusterCertificate.LoadOrCreate(Path.GetDirectoryName(WrongCertificatePath)!).Dispose();
        Directory.CreateDirectory(EmptyDirectory);

        // The shared silo configuration turns TLS on with the cluster certificate (silo to silo and gateways); the test
        // cluster's own client uses it too. No test here stops a silo, so Orleans' own failure detection is enough and
        // keeps a CPU-starved silo from being voted dead while the cluster forms.
        Cluster = new TestClusterBuilder(3)
            .AddRelationGraph(MetaConnectionString, new Dictionary<string, string?>
            {
                ["RelationGraph:Redundancy"] = "Sync",
                ["RelationGraph:UseTls"] = "true",
                ["RelationGraph:ClusterCertificatePath"] = CertificatePath,
            })
            .AddSiloBuilderConfigurator<DefaultFailureDetection>()
            .Build();
        await Cluster.DeployAsync();

        Client = new RelationGraphClient(Cluster.Client);

        // Each silo has written itself Active; wait until the cluster's own view (what `relgraph silos` reads) agrees.
        var silos = Cluster.Silos.Count;
        IReadOnlyList<SiloInfo> seen = [];
        await Eventually.WaitAsync(
            async ct => (seen = await Client.GetSilosAsync(ct)).Count(s => s.Status == "Active") == silos,
            ClusterFormationTimeout,
            () => $"expected {silos} active silos, saw {string.Join(", ", seen.Select(s => $"{s.Address} {s.Status}"))}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        _certificate?.Dispose();
        _root.Delete(recursive: true);
    }
}
