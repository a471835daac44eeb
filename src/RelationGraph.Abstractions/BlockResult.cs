namespace RelationGraph.Abstractions;

/// <summary>The outcome of a block or unblock.</summary>
/// <param name="UserId">The user who blocks or unblocks.</param>
/// <param name="OtherId">The blocked or unblocked user.</param>
/// <param name="Blocked">Whether <paramref name="UserId"/> blocks <paramref name="OtherId"/> now.</param>
/// <param name="Changed">Whether this request changed anything; false when it repeated the current state.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.BlockResult")]
public sealed record BlockResult([property: Id(0)] UserId UserId, [property: Id(1)] UserId OtherId, [property: Id(2)] bool Blocked, [property: Id(3)] bool Changed);
