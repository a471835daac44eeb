namespace RelationGraph.Grains;

/// <summary>
/// One kind of write's limit per user: a burst, a sustained rate and a daily cap, each a token bucket; a write needs a
/// token from both buckets.
/// </summary>
public sealed class WriteRateLimit
{
    /// <summary>Writes allowed at once after a quiet spell.</summary>
    public int Burst { get; set; }

    /// <summary>Writes per second sustained after the burst.</summary>
    public double PerSecond { get; set; }

    /// <summary>Writes per day (a bucket of this size refilling over 24 hours, not a calendar day).</summary>
    public int PerDay { get; set; }
}
