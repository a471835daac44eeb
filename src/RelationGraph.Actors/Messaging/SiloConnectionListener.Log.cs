using System.Net;
using Microsoft.Extensions.Logging;
using RelationGraph.Actors.Membership;

namespace RelationGraph.Actors.Messaging;

internal sealed partial class SiloConnectionListener
{
    [LoggerMessage(1, LogLevel.Information, "Silo {Silo} listening; gateway port {GatewayPort}")]
    private static partial void LogListening(ILogger logger, SiloAddress silo, int gatewayPort);

    [LoggerMessage(2, LogLevel.Warning, "Refused a connection from {Remote}: {Reason}")]
    private static partial void LogRefused(ILogger logger, EndPoint? remote, string reason);
}
