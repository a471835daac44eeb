namespace RelationGraph.Persistence.Outbox;

/// <summary>Persistent stream settings.</summary>
public sealed class StreamOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:Streams";

    /// <summary>
    /// How long a pulling agent keeps a stream it delivers to after the stream's last event (Orleans'
    /// <c>StreamPullingAgentOptions.StreamInactivityPeriod</c>, 30 minutes by default). Every followed user is a stream, and
    /// the agent keeps a cursor for each; over 30 minutes a crawl's distinct users outgrew a silo's memory bound whatever
    /// activations were shed. And before every read of a queue the agent looks through all of that queue's streams (to
    /// hold reads while a new one registers): with 30 s and one queue per shard, that look was the silo's hottest frame,
    /// 7 % of the machine in the write benchmark (perf); with 5 s it is 0.2-2.7 %, while registering streams again grew
    /// only from 2.2 to 2.5 %. A stream idle this long is registered again by its next event; a stream with events still
    /// to deliver is never idle.
    /// </summary>
    public static readonly TimeSpan StreamInactivityPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Queues per queue database; each is pulled by one silo at a time. It may change between starts: rows left in queues
    /// that a smaller count no longer has are taken in by the remaining queues' receivers. Default 1: a queue's events
    /// are leased, delivered and deleted together, so the fewer the queues, the more events each lease and delete carries
    /// (with 8 queues a shard's leases averaged under 2 events, and that bookkeeping cost more than the writes). Raise it only
    /// when a cluster has more silos than shards and every silo should deliver.
    /// </summary>
    public int QueuesPerDatabase { get; set; } = 1;

    /// <summary>
    /// The most events a receiver leases from its queue in one read (capped by the cache's room). The events of one
    /// stream among them reach the subscriber in one call (one batch container per stream and read). Default 256.
    /// </summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// The pulling agent's timer period (Orleans' <c>StreamPullingAgentOptions.GetQueueMsgsTimerPeriod</c>): how soon an agent
    /// reads its queue again once a read loop ended, after an idle wait or while a stream it has not seen before registers.
    /// Default 10 ms.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a receiver that found its queue empty waits before answering "nothing": an event committed on the same silo
    /// ends the wait at once; events committed elsewhere are found by the next read, at most about this plus
    /// <see cref="PollInterval"/> later. Bounds the queries an idle queue costs. Default 100 ms.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Calls of a subscriber with one batch before Orleans gives up on it and the failure handler runs, when each call fails
    /// at once. Orleans bounds its retries by time, not count: the retries wait <see cref="DeliveryRetryDelay"/>, doubling up to
    /// <see cref="MaxDeliveryRetryDelay"/>, and Orleans' <c>MaxEventDeliveryTime</c> is set to fit this many calls. A batch of
    /// several events that fails is retried once more event by event, so only the event that keeps failing is dead-lettered.
    /// Default 8.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry of a failed delivery; each further retry waits twice as long. Default 500 ms.</summary>
    public TimeSpan DeliveryRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two retries of a failed delivery. Default 10 s.</summary>
    public TimeSpan MaxDeliveryRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a receiver's hold on the events it read lasts; it renews the hold while the events wait in its cache. Events
    /// held by a silo that died become readable again this long after its last renewal. The queue balancer's lease on each
    /// queue a silo pulls lasts as long (renewed every third of it), so a dead silo's queues move within this too. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A queue deeper than this makes producers wait (back-pressure) instead of growing further.</summary>
    public long MaxQueueDepth { get; set; } = 200_000;

    /// <summary>How long a producer waits for room in a full queue before failing.</summary>
    public TimeSpan MaxBackPressureWait { get; set; } = TimeSpan.FromSeconds(10);
}
