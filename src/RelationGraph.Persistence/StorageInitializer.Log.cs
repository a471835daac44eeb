using Microsoft.Extensions.Logging;

namespace RelationGraph.Persistence;

public sealed partial class StorageInitializer
{
    [LoggerMessage(1, LogLevel.Information, "Storage ready: {Shards} shard databases, {VirtualShards} virtual shards, meta database {Database} on {Host}:{Port}")]
    private static partial void LogStarted(ILogger logger, int shards, int virtualShards, string? host, int port, string? database);
}
