using RelationGraph.Actors.Runtime;

namespace RelationGraph.Silo.Dashboard;

/// <summary>What the dashboard shows of one silo.</summary>
public sealed record DashboardSnapshot(
    string Silo,
    string ClusterId,
    string ServiceId,
    IReadOnlyList<SiloSummary> Silos,
    int Activations,
    IReadOnlyList<GrainTypeSummary> GrainTypes,
    IReadOnlyList<ActivationInfo> Busiest);
