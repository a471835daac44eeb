namespace RelationGraph.Persistence.FanBuckets;

/// <summary>When and how a celebrity's fan copies spread over bucket grains, section <c>RelationGraph:FanBuckets</c>.</summary>
public sealed class FanBucketOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:FanBuckets";

    /// <summary>The fan count past which a user's fan copies are written in buckets. Default 100,000.</summary>
    public long Threshold { get; set; } = 100_000;

    /// <summary>How many buckets a user gets when moved; kept with the user, so changing it later affects only users moved later. Default 16.</summary>
    public int Buckets { get; set; } = 16;

    /// <summary>
    /// A fan grain reads its user's fan count after this many new fans in one activation, and again after as many more.
    /// Only a user gaining fans that fast needs buckets, and checking less often keeps the count read off most writes. Default 1,000.
    /// </summary>
    public int CheckEvery { get; set; } = 1_000;

    /// <summary>How often a silo looks for users moved into buckets by other silos. Until it has, it sends their copies to their fan grains, which write them too. Default 5 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a bucket grain serves a fan page it has read: readers spread a bucketed user's reads over its buckets,
    /// whose pages show a new fan within this time (the fan copies land asynchronously anyway). Zero turns the buckets'
    /// caches off. Default 1 s.
    /// </summary>
    public TimeSpan ReadCacheTimeToLive { get; set; } = TimeSpan.FromSeconds(1);
}
