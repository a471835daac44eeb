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

    /// <summary>Creates the instruments.</summary>
    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _rejections = _meter.CreateCounter<long>(Rejections, "{request}", "Writes refused by a per-user rate limit.");
    }

    /// <summary>Counts one write of <paramref name="kind"/> refused.</summary>
    public void RecordRejection(UserWriteKind kind) =>
        _rejections.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
