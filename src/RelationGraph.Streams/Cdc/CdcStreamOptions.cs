namespace RelationGraph.Streams.Cdc;

/// <summary>Settings of the Cdc stream provider (named after the provider).</summary>
public sealed class CdcStreamOptions
{
    /// <summary>The stream namespace the changes are published on; the fan grain subscribes to it implicitly. Default <c>follows</c>.</summary>
    public string StreamNamespace { get; set; } = "follows";

    /// <summary>How many decoded changes a receiver reads ahead of Orleans' pulling agent before it stops reading its slot. Default 4096.</summary>
    public int ReadAhead { get; set; } = 4096;

    /// <summary>The most changes of one followee in one batch container (one call of the fan grain's batch observer). Default 256.</summary>
    public int MaxChangesPerContainer { get; set; } = 256;

    /// <summary>
    /// How often a receiver reports its acknowledged position to PostgreSQL (the slot's <c>confirmed_flush_lsn</c>), at least.
    /// Default 1 s.
    /// </summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest pause between attempts to (re)open a slot that is busy or unreachable. Default 5 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);
}
