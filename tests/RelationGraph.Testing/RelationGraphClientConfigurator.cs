using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using RelationGraph.Client;
using RelationGraph.Persistence;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Testing;

/// <summary>The test cluster's own client finds the gateways in the membership table, as production clients can, over TLS when the silos use it.</summary>
public sealed class RelationGraphClientConfigurator : IClientBuilderConfigurator, IHostConfigurator
{
    /// <inheritdoc />
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        var section = configuration.GetSection(StorageOptions.SectionName);
        clientBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = RelationGraphSiloBuilderExtensions.AdoNetInvariant;
            o.ConnectionString = section[nameof(StorageOptions.ConnectionString)];
        });
        if (section.Get<ClusterTlsOptions>() is { UseTls: true, ClusterCertificatePath: { Length: > 0 } path } tls)
        {
            var certificate = ClusterTls.LoadCertificate(path, tls.ClusterCertificatePassword);
            clientBuilder.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
        }

        // A TLS handshake on a test machine running several clusters at once can outlast Orleans' 5 s default.
        clientBuilder.Services.Configure<ConnectionOptions>(o => o.OpenConnectionTimeout = RelationGraphTestClusterExtensions.OpenConnectionTimeout);
    }

    /// <inheritdoc />
    public void Configure(IHostBuilder hostBuilder) => hostBuilder.ConfigureLogging(TestLogging.Configure);
}
