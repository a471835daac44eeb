namespace RelationGraph.Actors.Runtime;

/// <summary>A snapshot of one activation, for the dashboard and diagnostics.</summary>
/// <param name="GrainId">The grain.</param>
/// <param name="ActivatedAt">When the activation was created.</param>
/// <param name="LastUsedAt">When it last finished a request.</param>
/// <param name="Calls">Requests it has completed.</param>
public sealed record ActivationInfo(GrainId GrainId, DateTimeOffset ActivatedAt, DateTimeOffset LastUsedAt, long Calls);
