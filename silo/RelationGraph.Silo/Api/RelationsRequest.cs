namespace RelationGraph.Silo.Api;

/// <summary>The body of a batch relation check: the other users, 1 to 1,000 distinct ids.</summary>
/// <param name="Ids">The other users' ids.</param>
public sealed record RelationsRequest(long[]? Ids);
