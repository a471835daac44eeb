namespace RelationGraph.Client;

/// <summary>One silo of the cluster, as Orleans' membership table lists it.</summary>
/// <param name="Address">Its address, <c>ip:port@generation</c> (Orleans' <c>SiloAddress.ToParsableString()</c>); the port is the silo-to-silo port.</param>
/// <param name="Name">Its name.</param>
/// <param name="GatewayPort">The port clients connect to on the same address; 0 when it is not a gateway.</param>
/// <param name="Status">Orleans' silo status: <c>Joining</c>, <c>Active</c>, <c>ShuttingDown</c>, <c>Stopping</c> or <c>Dead</c>.</param>
/// <param name="StartTime">When it started (UTC).</param>
/// <param name="IAmAliveTime">When it last wrote that it was alive (UTC).</param>
public sealed record SiloInfo(string Address, string Name, int GatewayPort, string Status, DateTimeOffset StartTime, DateTimeOffset IAmAliveTime);
