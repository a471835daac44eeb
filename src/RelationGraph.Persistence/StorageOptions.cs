namespace RelationGraph.Persistence;

/// <summary>Storage settings, bound from the <c>RelationGraph</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph";

    /// <summary>
    /// The meta database (shard map, Orleans' membership, reminders and grain state, the stream queues' leases). When empty
    /// in development, a private server is started.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary><see cref="ConnectionString"/>, which whatever uses the meta database needs set.</summary>
    public string RequireConnectionString() =>
        string.IsNullOrWhiteSpace(ConnectionString) ? throw new InvalidOperationException("RelationGraph:ConnectionString (the meta database) is not set.") : ConnectionString;

    /// <summary>How many physical shard databases to create on the meta database's server on first start. Default 4.</summary>
    public int Shards { get; set; } = 4;

    /// <summary>Physical shard databases on other servers; when given, they replace <see cref="Shards"/> on first start.</summary>
    public IList<string> ShardConnectionStrings { get; } = [];

    /// <summary>How many virtual shards user ids are hashed onto. Fixed when the map is first created. Default 4096.</summary>
    public int VirtualShards { get; set; } = 4096;

    /// <summary>How long opening a shard connection may take before the shard counts as unavailable.</summary>
    public TimeSpan ShardConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How many transactions may commit edge writes on one shard at a time. Writes arriving while all are busy are
    /// committed together by the next one that frees up (group commit). Default 1: the fewer at a time, the larger each
    /// batch, and a batch's per-row cost is far below a transaction's (see docs/BENCHMARKS.md, issue 10). More help only
    /// where a commit waits long on storage rather than CPU.
    /// </summary>
    public int WriteFlushesPerShard { get; set; } = 1;

    /// <summary>The most edge writes committed in one transaction. Default 256.</summary>
    public int MaxWriteBatch { get; set; } = 256;
}
