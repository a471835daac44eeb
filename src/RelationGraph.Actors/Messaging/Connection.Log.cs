using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Messaging;

internal sealed partial class Connection
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {Name} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string name, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Answering a {Kind} on {Name} failed")]
    private static partial void LogAnswerFailed(ILogger logger, Exception exception, MessageKind kind, string name);
}
