namespace RelationGraph.Client;

/// <summary>How the client finds and authenticates to a RelationGraph cluster.</summary>
public sealed class RelationGraphClientOptions
{
    /// <summary>Gateway endpoints (<c>host:port</c>, IP addresses); any one that answers is enough to learn the rest of the cluster.</summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>Instead of <see cref="Gateways"/>: the connection string of the meta database holding the membership table.</summary>
    public string? MembershipConnectionString { get; set; }

    /// <summary>The cluster's id. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The cluster's shared secret (the silos' <c>RelationGraph:ClusterSecret</c>).</summary>
    public string ClusterSecret { get; set; } = string.Empty;

    /// <summary>How long one attempt of a call may wait for its response. Default 30 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connecting to a gateway, handshake included, may take. Default 5 seconds.</summary>
    public TimeSpan OpenConnectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per call when a silo is unreachable or does not answer in time; every RelationGraph call is safe to repeat. Default 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The pause before the second attempt; it doubles for each further one. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Gateways.Count == 0 && string.IsNullOrWhiteSpace(MembershipConnectionString))
        {
            throw new ArgumentException("Give at least one gateway or the membership connection string.", nameof(Gateways));
        }

        foreach (var gateway in Gateways)
        {
            _ = GatewayEndPoint.Parse(gateway);
        }

        if (string.IsNullOrEmpty(ClusterSecret))
        {
            throw new ArgumentException("The cluster secret is required.", nameof(ClusterSecret));
        }

        if (MaxAttempts < 1 || ResponseTimeout <= TimeSpan.Zero || OpenConnectionTimeout <= TimeSpan.Zero || RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("MaxAttempts must be at least 1, ResponseTimeout and OpenConnectionTimeout positive and RetryDelay not negative.");
        }
    }
}
