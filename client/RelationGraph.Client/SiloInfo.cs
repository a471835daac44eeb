namespace RelationGraph.Client;

/// <summary>One silo of the cluster.</summary>
/// <param name="Address">Its address, <c>ip:port@generation</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="GatewayPort">The port clients use.</param>
/// <param name="Status">Joining, Active, ShuttingDown or Dead.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="IAmAliveTime">When it last said it was alive.</param>
public sealed record SiloInfo(string Address, string Name, int GatewayPort, string Status, DateTimeOffset StartTime, DateTimeOffset IAmAliveTime);
