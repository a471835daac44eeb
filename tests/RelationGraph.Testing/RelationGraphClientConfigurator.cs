using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.TestingHost;
using RelationGraph.Persistence;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Testing;

/// <summary>The test cluster's own client finds the gateways in the membership table, as production clients can.</summary>
public sealed class RelationGraphClientConfigurator : IClientBuilderConfigurator, IHostConfigurator
{
    /// <inheritdoc />
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = RelationGraphSiloBuilderExtensions.AdoNetInvariant;
            o.ConnectionString = configuration.GetSection(StorageOptions.SectionName)[nameof(StorageOptions.ConnectionString)];
        });

    /// <inheritdoc />
    public void Configure(IHostBuilder hostBuilder) => hostBuilder.ConfigureLogging(TestLogging.Configure);
}
