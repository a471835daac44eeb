using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using RelationGraph.Client;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Tests.Cli;

/// <summary>
/// Makes a test silo use TLS, as production silos do: mutual TLS with the cluster certificate pinned
/// (<see cref="ClusterTls"/>), for silo-to-silo and gateway connections alike. The certificate is the development
/// certificate of the directory named by <see cref="CertificateDirectoryKey"/> (set through
/// <see cref="TestClusterBuilder.Properties"/>), so every silo of the cluster loads the same one.
/// </summary>
public sealed class ClusterTlsSiloConfigurator : ISiloConfigurator
{
    /// <summary>The configuration key of the directory holding the cluster's <c>cluster.pfx</c>.</summary>
    public const string CertificateDirectoryKey = "RelationGraphTests:ClusterCertificateDirectory";

    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder)
    {
        var directory = siloBuilder.Configuration[CertificateDirectoryKey]
            ?? throw new InvalidOperationException($"Set {CertificateDirectoryKey} in the test cluster's properties.");
        var certificate = DevelopmentClusterCertificate.LoadOrCreate(directory);
        siloBuilder.UseTls(certificate, options => ClusterTls.Configure(options, certificate));
    }
}
