using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace RelationGraph.Testing;

/// <summary>
/// Puts back Orleans' own failure detection (and join timeout), which <see cref="RelationGraphSiloConfigurator"/> shortens so
/// that killed silos are declared dead within seconds. For clusters none of whose tests kill a silo: with the short
/// settings (one missed second of probes, one vote), a silo starved of CPU for a second or two (test classes and builds side
/// by side on a small machine) is voted dead, even while the cluster forms. Add it after <c>AddRelationGraph</c>.
/// </summary>
public sealed class DefaultFailureDetection : ISiloConfigurator
{
    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder) =>
        siloBuilder.Services.Configure<ClusterMembershipOptions>(options =>
        {
            var defaults = new ClusterMembershipOptions();
            options.ProbeTimeout = defaults.ProbeTimeout;
            options.NumMissedProbesLimit = defaults.NumMissedProbesLimit;
            options.NumVotesForDeathDeclaration = defaults.NumVotesForDeathDeclaration;
            options.IAmAliveTablePublishTimeout = defaults.IAmAliveTablePublishTimeout;
            options.MaxJoinAttemptTime = defaults.MaxJoinAttemptTime;
        });
}
