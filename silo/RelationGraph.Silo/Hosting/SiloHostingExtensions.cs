using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using RelationGraph.Persistence;

namespace RelationGraph.Silo.Hosting;

/// <summary>Composes the silo host: an Orleans silo with RelationGraph, its endpoints, the dashboard and health checks.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds the Orleans silo hosting RelationGraph (<see cref="RelationGraphSiloBuilderExtensions.AddRelationGraph"/>), listening
    /// on and advertising <c>RelationGraph:AdvertisedIPAddress</c> (127.0.0.1 by default) at <c>SiloPort</c> and <c>GatewayPort</c>,
    /// as a member of cluster <c>ClusterId</c> of service <c>ServiceId</c>, plus the Orleans Dashboard and the shards' health check.
    /// </summary>
    public static IHostApplicationBuilder AddRelationGraphSilo(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(StorageOptions.SectionName);
        builder.UseOrleans(silo =>
        {
            silo.AddRelationGraph(builder.Configuration);
            silo.ConfigureEndpoints(
                IPAddress.Parse(section["AdvertisedIPAddress"] ?? IPAddress.Loopback.ToString()),
                section.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                section.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
                listenOnAnyHostAddress: false);
            silo.Services.AddOptions<ClusterOptions>().Bind(section);
            silo.Services.AddOptions<SiloOptions>().Bind(section);
            // Failure detection (RelationGraph:Membership:ProbeTimeout, NumMissedProbesLimit, ...): Orleans' defaults unless set.
            silo.Services.AddOptions<ClusterMembershipOptions>().Bind(section.GetSection("Membership"));
            silo.AddDashboard();
        });
        builder.Services.AddHealthChecks().AddCheck<ShardsHealthCheck>("shards");
        return builder;
    }
}
