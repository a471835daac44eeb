using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RelationGraph.Persistence.Sharding;

/// <summary>
/// The shard's availability as its calls see it. An outage fails every call to the shard, thousands a second under load;
/// the log gets one line when the shard becomes unavailable and one when it answers again, with the count of calls
/// that failed in between, instead of a line per call.
/// </summary>
public sealed partial class Shard
{
    private readonly Lock _availability = new();
    private volatile bool _down;
    private long _failedCalls;
    private long _downSince;

    /// <summary>Where the transitions are logged; set by the shard set.</summary>
    internal ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Whether the last call to the shard failed because it was unreachable.</summary>
    public bool IsDown => _down;

    /// <summary>Calls that failed since the shard became unreachable (0 while it answers).</summary>
    public long FailedCalls
    {
        get
        {
            lock (_availability)
            {
                return _down ? _failedCalls : 0;
            }
        }
    }

    private void RecordFailure(Exception exception)
    {
        lock (_availability)
        {
            if (_down)
            {
                _failedCalls++;
                return;
            }

            _down = true;
            _failedCalls = 1;
            _downSince = Stopwatch.GetTimestamp();
        }

        LogUnavailable(Logger, Name, exception.Message);
    }

    private void RecordSuccess()
    {
        if (!_down)
        {
            return;
        }

        long failed;
        TimeSpan duration;
        lock (_availability)
        {
            if (!_down)
            {
                return;
            }

            _down = false;
            failed = _failedCalls;
            duration = Stopwatch.GetElapsedTime(_downSince);
        }

        LogAvailable(Logger, Name, duration, failed);
    }

    [LoggerMessage(1, LogLevel.Error, "Shard {Shard} is unavailable: {Reason}. Calls to it fail with 503 until it answers again")]
    private static partial void LogUnavailable(ILogger logger, string shard, string reason);

    [LoggerMessage(2, LogLevel.Information, "Shard {Shard} is available again after {Duration}; {FailedCalls} calls failed meanwhile")]
    private static partial void LogAvailable(ILogger logger, string shard, TimeSpan duration, long failedCalls);
}
