namespace RelationGraph.Persistence.Outbox;

/// <summary>Persistent stream settings.</summary>
public sealed class StreamOptions
{
    /// <summary>Queues per queue database; each is pulled by one silo at a time. Fixed for a deployment.</summary>
    public int QueuesPerDatabase { get; set; } = 8;

    /// <summary>Events a pulling agent locks, delivers and checkpoints at once.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// How long an agent first waits before polling an empty queue again; each further empty poll doubles the wait up to
    /// <see cref="MaxPollInterval"/>. Events appended on the agent's own silo wake it at once.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait between polls of a queue that stays empty (Orleans' default pulling period).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Deliveries of one event before it goes to the dead-letter table.</summary>
    public int MaxDeliveryAttempts { get; set; } = 8;

    /// <summary>A queue deeper than this makes producers wait (back-pressure) instead of growing further.</summary>
    public long MaxQueueDepth { get; set; } = 200_000;

    /// <summary>How long a producer waits for room in a full queue before failing.</summary>
    public TimeSpan MaxBackPressureWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often queue ownership is recomputed from the membership view.</summary>
    public TimeSpan RebalancePeriod { get; set; } = TimeSpan.FromSeconds(1);
}
