using Microsoft.Extensions.Logging;

namespace RelationGraph.Grains.Deletion;

public sealed partial class UserDeletionGrain
{
    [LoggerMessage(1, LogLevel.Information, "Deletion of user {UserId} started: {Total} row(s)")]
    private static partial void LogStarted(ILogger logger, long userId, long total);

    [LoggerMessage(2, LogLevel.Information, "Deletion of user {UserId} finished: {Removed} row(s) removed, with the other users' copies, in {Seconds:0.0} s")]
    private static partial void LogFinished(ILogger logger, long userId, long removed, double seconds);

    [LoggerMessage(3, LogLevel.Warning, "Deletion of user {UserId} failed a step in phase {Phase} ({Failures} in a row); it retries from its saved progress")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, long userId, DeletionPhase phase, int failures);
}
