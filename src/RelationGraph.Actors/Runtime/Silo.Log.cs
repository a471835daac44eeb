using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Runtime;

internal sealed partial class Silo
{
    [LoggerMessage(1, LogLevel.Information, "Silo {SiloName} started in cluster {ClusterId}, service {ServiceId}")]
    private static partial void LogStarted(ILogger logger, string siloName, string clusterId, string serviceId);

    [LoggerMessage(2, LogLevel.Information, "Silo stopping; deactivating {Count} activations")]
    private static partial void LogStopping(ILogger logger, int count);
}
