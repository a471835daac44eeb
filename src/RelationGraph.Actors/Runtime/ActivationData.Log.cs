using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Runtime;

internal sealed partial class ActivationData
{
    [LoggerMessage(1, LogLevel.Debug, "Activated {GrainId}")]
    private static partial void LogActivated(ILogger logger, GrainId grainId);

    [LoggerMessage(2, LogLevel.Debug, "Deactivated {GrainId} ({Reason})")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(3, LogLevel.Error, "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(4, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);
}
