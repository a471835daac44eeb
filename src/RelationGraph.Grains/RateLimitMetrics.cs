using System.Diagnostics.Metrics;

namespace RelationGraph.Grains;

/// <summary>The write rate limits' instruments, on the meter <c>RelationGraph.RateLimits</c>.</summary>
public sealed class RateLimitMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "RelationGraph.RateLimits";

    /// <summary>The rejections counter's name; tagged <c>kind</c> (follow, unfollow, friendrequest, block).</summary>
    public const string Rejections = "relationgraph.rate_limit.rejections";

    private readonly Meter _meter;
    private readonly Counter<long> _rejections;
    private readonly long[] _totals = new long[Enum.GetValues<UserWriteKind>().Length];
    private readonly (long Second, long Count)[,] _perSecond = new (long, long)[Enum.GetValues<UserWriteKind>().Length, 60];
    private readonly Lock _lock = new();

    /// <summary>Creates the instruments.</summary>
    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _rejections = _meter.CreateCounter<long>(Rejections, "{request}", "Writes refused by a per-user rate limit.");
    }

    /// <summary>Counts one write of <paramref name="kind"/> refused.</summary>
    public void RecordRejection(UserWriteKind kind)
    {
        Interlocked.Increment(ref _totals[(int)kind]);
        var second = Environment.TickCount64 / 1000;
        lock (_lock)
        {
            ref var slot = ref _perSecond[(int)kind, second % 60];
            slot = slot.Second == second ? (second, slot.Count + 1) : (second, 1);
        }

        _rejections.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));
    }

    /// <summary>Writes of <paramref name="kind"/> refused by this silo since it started (for the dashboard).</summary>
    public long RejectedSinceStart(UserWriteKind kind) => Interlocked.Read(ref _totals[(int)kind]);

    /// <summary>Writes of <paramref name="kind"/> refused by this silo in the last minute (for the dashboard).</summary>
    public long RejectedLastMinute(UserWriteKind kind)
    {
        var now = Environment.TickCount64 / 1000;
        var count = 0L;
        lock (_lock)
        {
            for (var i = 0; i < 60; i++)
            {
                if (now - _perSecond[(int)kind, i].Second < 60)
                {
                    count += _perSecond[(int)kind, i].Count;
                }
            }
        }

        return count;
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
