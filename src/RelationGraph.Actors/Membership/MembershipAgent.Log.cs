using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Membership;

internal sealed partial class MembershipAgent
{
    [LoggerMessage(1, LogLevel.Information, "Silo {Silo} joined the cluster; {Active} active silos")]
    private static partial void LogJoined(ILogger logger, SiloAddress silo, int active);

    [LoggerMessage(2, LogLevel.Information, "Silo {Silo} is now {Status} in the membership table")]
    private static partial void LogLeft(ILogger logger, SiloAddress silo, SiloStatus status);

    [LoggerMessage(3, LogLevel.Warning, "Membership table operation failed")]
    private static partial void LogTableFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "Silo {Silo} was declared dead by its peers; stopping")]
    private static partial void LogDeclaredDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(5, LogLevel.Information, "Membership view {Version}: active {Silos}")]
    private static partial void LogViewChanged(ILogger logger, long version, string silos);

    [LoggerMessage(6, LogLevel.Debug, "Probe of {Silo} missed ({Missed} in a row)")]
    private static partial void LogProbeMissed(ILogger logger, SiloAddress silo, int missed);

    [LoggerMessage(7, LogLevel.Warning, "Declared silo {Silo} dead with {Votes} votes")]
    private static partial void LogDeclaredOtherDead(ILogger logger, SiloAddress silo, int votes);
}
