namespace RelationGraph.Actors.Configuration;

/// <summary>Request delivery settings.</summary>
public sealed class SiloMessagingOptions
{
    /// <summary>A call whose response has not arrived after this long fails with a <see cref="TimeoutException"/>. Orleans' default: 30 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connecting to a silo, handshake included, may take. Orleans' default: 5 seconds.</summary>
    public TimeSpan OpenConnectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a call that reached a silo which does not own its grain may be forwarded. Orleans' default: 2.</summary>
    public int MaxForwardCount { get; set; } = 2;

    /// <summary>Requests awaiting a response on one connection; further senders wait (back-pressure).</summary>
    public int MaxPendingRequestsPerConnection { get; set; } = 10_000;
}
