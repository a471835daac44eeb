namespace RelationGraph.Grains;

/// <summary>
/// How active user grains keep pages and counts of their lists in memory, bound from <c>RelationGraph:ListCache</c>.
/// A write through the grain refreshes its cache at once; the time to live bounds how long a write that went around
/// the grains (a bulk import into a live cluster) stays unseen by an active grain.
/// </summary>
public sealed class ListCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:ListCache";

    /// <summary>How long a cached page or count is served. Zero turns caching off. Default 30 s.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most pages one grain keeps (first pages of a few sizes, a few pages deep). Default 4.</summary>
    public int MaxPages { get; set; } = 4;

    /// <summary>
    /// The most bytes of pages that all user grains of a silo keep together (<see cref="ListCacheBudget"/>); pages beyond it
    /// are served without being kept. Zero keeps no pages. Default 64 MiB.
    /// </summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How often a silo looks for user deletions, so that its cached pages leave deleted users out and its cached counts
    /// follow a finished deletion (<see cref="ErasedUsers"/>); a deletion waits this long after marking the user and after
    /// its walk. Default 1 s.
    /// </summary>
    public TimeSpan ErasureCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
