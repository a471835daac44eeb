using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Testing;

/// <summary>
/// A test silo: RelationGraph's own silo configuration, quiet logs (unless <c>RELATIONGRAPH_TEST_LOGS=1</c>), and
/// failure detection fast enough that a killed silo is declared dead within a few seconds.
/// </summary>
public sealed class RelationGraphSiloConfigurator : ISiloConfigurator, IHostConfigurator
{
    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddRelationGraph(siloBuilder.Configuration);
        siloBuilder.Services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        });
    }

    /// <inheritdoc />
    public void Configure(IHostBuilder hostBuilder) => hostBuilder.ConfigureLogging(TestLogging.Configure);
}
