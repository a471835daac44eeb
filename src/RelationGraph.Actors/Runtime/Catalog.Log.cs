using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Runtime;

public sealed partial class Catalog
{
    [LoggerMessage(1, LogLevel.Debug, "Collecting {Count} activations idle for {CollectionAge}")]
    private static partial void LogCollected(ILogger logger, int count, TimeSpan collectionAge);
}
