namespace RelationGraph.Actors.Configuration;

/// <summary>Identity and endpoints of a silo. Defaults are Orleans' defaults.</summary>
public sealed class SiloOptions
{
    /// <summary>Separates deployments that share a membership store; silos of one cluster share it.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>Identifies the service across redeployments; durable data is keyed by it.</summary>
    public string ServiceId { get; set; } = "dev";

    /// <summary>A name for logs and the dashboard.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>The port for silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients connect to.</summary>
    public int GatewayPort { get; set; } = 30000;
}
