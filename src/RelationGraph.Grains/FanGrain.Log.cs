using Microsoft.Extensions.Logging;

namespace RelationGraph.Grains;

public sealed partial class FanGrain
{
    [LoggerMessage(1, LogLevel.Information, "User {User} has {Fans} fans: their fan copies are now written by {Buckets} bucket grains")]
    private static partial void LogMovedIntoBuckets(ILogger logger, long user, long fans, int buckets);
}
