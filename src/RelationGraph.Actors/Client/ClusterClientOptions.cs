using System.Net;

namespace RelationGraph.Actors.Client;

/// <summary>How a client reaches a cluster.</summary>
public sealed class ClusterClientOptions
{
    /// <summary>Gateways to ask for the cluster's membership at start; any one reachable gateway is enough.</summary>
    public IList<IPEndPoint> Gateways { get; } = [];

    /// <summary>Supplies gateways instead of <see cref="Gateways"/>, for example from the membership table.</summary>
    public Func<CancellationToken, Task<IReadOnlyList<IPEndPoint>>>? GatewayProvider { get; set; }

    /// <summary>The cluster's id; the gateway refuses other clusters' clients.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The cluster's shared secret.</summary>
    public string ClusterSecret { get; set; } = string.Empty;

    /// <summary>How long a call may wait for its response. Orleans' default: 30 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connecting to a gateway may take.</summary>
    public TimeSpan OpenConnectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the client refreshes its view of the cluster from a gateway.</summary>
    public TimeSpan MembershipRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);
}
