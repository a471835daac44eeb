namespace RelationGraph.Silo.Dashboard;

/// <summary>Activations and completed calls of one grain type.</summary>
public sealed record GrainTypeSummary(string GrainType, int Activations, long Calls);
