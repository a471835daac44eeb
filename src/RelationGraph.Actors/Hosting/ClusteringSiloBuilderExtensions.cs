using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Messaging;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.Hosting;

/// <summary>Turns a silo into a member of a cluster.</summary>
public static class ClusteringSiloBuilderExtensions
{
    /// <summary>
    /// Adds cluster membership, failure detection, placement over the live silos and silo-to-silo and gateway
    /// connections. Needs an <see cref="IMembershipTable"/> (for example from <c>UsePostgresClustering</c>) and
    /// <see cref="SiloOptions.ClusterSecret"/>.
    /// </summary>
    public static ISiloBuilder AddClustering(this ISiloBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SiloOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.ClusterSecret), "RelationGraph:ClusterSecret is required: every silo and client of the cluster must share it.")
            .Validate(o => System.Net.IPAddress.TryParse(o.AdvertisedIPAddress, out _), "RelationGraph:AdvertisedIPAddress must be an IP address.")
            .ValidateOnStart();
        services.AddOptions<ClusterMembershipOptions>()
            .Validate(o => o.ProbeTimeout > TimeSpan.Zero && o.TableRefreshTimeout > TimeSpan.Zero && o.IAmAlivePeriod > TimeSpan.Zero, "Membership periods must be positive.")
            .Validate(o => o.NumMissedProbesLimit > 0 && o.NumProbedSilos > 0 && o.NumVotesForDeathDeclaration > 0, "Membership counts must be positive.")
            .ValidateOnStart();
        services.AddSingleton<MembershipView>();
        services.AddSingleton<LocalSiloDetails>();
        services.AddSingleton<SiloConnections>();
        services.AddSingleton<ClusterGrainCallRouter>();
        services.AddSingleton<IGrainCallRouter>(sp => sp.GetRequiredService<ClusterGrainCallRouter>());
        services.AddSingleton<SiloMessageHandler>();
        services.AddHostedService<SiloConnectionListener>();
        services.AddHostedService<MembershipAgent>();
        return builder;
    }
}
