namespace RelationGraph.Silo.Dashboard;

/// <summary>One silo as the membership table lists it.</summary>
public sealed record SiloSummary(string Address, string Name, int GatewayPort, string Status, DateTimeOffset IAmAliveTime);
