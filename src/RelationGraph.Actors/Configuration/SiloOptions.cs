namespace RelationGraph.Actors.Configuration;

/// <summary>Identity and endpoints of a silo. Defaults are Orleans' defaults.</summary>
public sealed class SiloOptions
{
    /// <summary>Separates deployments that share a membership store; silos of one cluster share it.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>Identifies the service across redeployments; durable data is keyed by it.</summary>
    public string ServiceId { get; set; } = "dev";

    /// <summary>A name for logs and the dashboard; by default the machine name and the silo port.</summary>
    public string? SiloName { get; set; }

    /// <summary>The port for silo-to-silo traffic; 0 lets the system choose.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients connect to; 0 lets the system choose.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The IP address this silo listens on and tells its peers and clients to connect to.</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The secret every silo and client of the cluster shares; a connection is accepted only from a peer that proves
    /// it knows it (an HMAC of a fresh challenge, so the secret never crosses the wire).
    /// </summary>
    public string? ClusterSecret { get; set; }
}
