namespace RelationGraph.Grains.Deletion;

/// <summary>How user deletions run, section <c>RelationGraph:Deletion</c>.</summary>
public sealed class DeletionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:Deletion";

    /// <summary>The deleted user's rows removed per step, with the other users' copies: one keyset page. Default 1,000.</summary>
    public int PageSize { get; set; } = 1_000;

    /// <summary>How long a deletion works in one turn before it saves its progress and lets other calls in. Default 500 ms.</summary>
    public TimeSpan SliceDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a deletion that waits (for writes in flight, for the fan-copy feeds) looks again. Default 100 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a running deletion's reminder makes sure it runs (after its silo died, it resumes on another). Default 1 minute.</summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);
}
