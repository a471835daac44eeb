using Orleans.Runtime.Providers;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Streams;

/// <summary>
/// How Orleans' pulling agent spaces its retries of a failed delivery, and for how long it retries, so that
/// <see cref="StreamOptions.MaxDeliveryAttempts"/> means what it says.
/// </summary>
/// <remarks>
/// Orleans retries a failed delivery (<c>PersistentStreamPullingAgent</c>: <c>AsyncExecutorWithRetries</c> with unlimited
/// retries) until <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c> has passed, waiting <see cref="Next"/> between
/// calls; only then does the failure handler run. It has no attempt count. So the waits here are
/// <see cref="StreamOptions.DeliveryRetryDelay"/> doubling up to <see cref="StreamOptions.MaxDeliveryRetryDelay"/>, and
/// <see cref="DeliveryWindow"/> ends halfway through the wait that would follow the last allowed call: a subscriber that
/// fails at once is called exactly <see cref="StreamOptions.MaxDeliveryAttempts"/> times; one that fails slowly (say by
/// timing out) fewer times, never for longer than the window.
/// </remarks>
public sealed class OutboxDeliveryBackoff(StreamOptions options, StreamMetrics metrics) : IMessageDeliveryBackoffProvider
{
    /// <summary>The wait after failed call <paramref name="attempt"/> (from 0); counts the retry it precedes.</summary>
    public TimeSpan Next(int attempt)
    {
        if (attempt < options.MaxDeliveryAttempts - 1)
        {
            metrics.RecordRedelivered();
        }

        return Delay(options, attempt);
    }

    /// <summary>The wait after failed call <paramref name="attempt"/> (from 0).</summary>
    public static TimeSpan Delay(StreamOptions options, int attempt)
    {
        var first = options.DeliveryRetryDelay;
        var max = options.MaxDeliveryRetryDelay;
        return attempt >= 62 || first.Ticks > max.Ticks >> Math.Min(attempt, 62) ? max : TimeSpan.FromTicks(first.Ticks << attempt);
    }

    /// <summary>The <c>MaxEventDeliveryTime</c> that fits <see cref="StreamOptions.MaxDeliveryAttempts"/> calls failing at once.</summary>
    public static TimeSpan DeliveryWindow(StreamOptions options)
    {
        var window = TimeSpan.Zero;
        for (var attempt = 0; attempt < options.MaxDeliveryAttempts - 1; attempt++)
        {
            window += Delay(options, attempt);
        }

        return window + (Delay(options, options.MaxDeliveryAttempts - 1) / 2);
    }
}

/// <summary>
/// How Orleans' pulling agent spaces its retries of a failed read (a shard that did not answer): 100 ms doubling up to
/// 5 s, instead of Orleans' default of 10 to 20 s, so a brief outage of one shard stalls its queues only briefly.
/// </summary>
public sealed class OutboxReadBackoff : IQueueReaderBackoffProvider
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    /// <summary>The wait after failed read <paramref name="attempt"/> (from 0).</summary>
    public TimeSpan Next(int attempt) => attempt >= 6 ? Max : TimeSpan.FromTicks(Math.Min(Max.Ticks, First.Ticks << attempt));
}
