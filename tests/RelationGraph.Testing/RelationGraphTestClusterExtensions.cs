using Orleans.TestingHost;
using RelationGraph.Client;

namespace RelationGraph.Testing;

/// <summary>RelationGraph's client SDK on a running <see cref="TestCluster"/>.</summary>
public static class RelationGraphTestClusterExtensions
{
    /// <summary>How long test clients give a gateway connection, TLS handshake included: generous, since test machines are shared and loaded.</summary>
    public static readonly TimeSpan OpenConnectionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The gateway endpoints (<c>ip:port</c>) of the cluster's running silos.</summary>
    public static IReadOnlyList<string> Gateways(this TestCluster cluster) =>
        cluster.GetActiveSilos().Select(s => s.GatewayAddress!.Endpoint.ToString()).ToList();

    /// <summary>A <see cref="RelationGraphClient"/> connected over TCP to the cluster's gateways, as an application would be.</summary>
    public static Task<RelationGraphClient> ConnectRelationGraphClientAsync(
        this TestCluster cluster, Action<RelationGraphClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new RelationGraphClientOptions
        {
            ClusterId = cluster.Options.ClusterId,
            ServiceId = cluster.Options.ServiceId,
            UseTls = false,
            OpenConnectionTimeout = OpenConnectionTimeout,
        };
        foreach (var gateway in cluster.Gateways())
        {
            options.Gateways.Add(gateway);
        }

        configure?.Invoke(options);
        return RelationGraphClient.ConnectAsync(options, cancellationToken: cancellationToken);
    }
}
