namespace RelationGraph.Tests.Audit;

/// <summary>
/// Tests of the incremental scan run alone. Its position is the oldest transaction running anywhere on the PostgreSQL
/// server, so another class's long transaction (a silo killed mid-transaction, say) would hold it back and the run would
/// rightly check nothing new yet.
/// </summary>
[CollectionDefinition(nameof(ChangeLogCollection), DisableParallelization = true)]
public sealed class ChangeLogCollection;
