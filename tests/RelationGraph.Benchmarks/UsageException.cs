namespace RelationGraph.Benchmarks;

/// <summary>A command line the benchmark cannot run; the message says what is wrong, then the usage is shown.</summary>
internal sealed class UsageException(string message) : Exception(message);
