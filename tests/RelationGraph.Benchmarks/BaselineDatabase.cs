using Npgsql;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The write baseline: the seed's synchronous double write issued directly with Npgsql, one transaction per follow
/// inserting the <c>following</c> row and the <c>fans</c> row, in a separate database on the same server created by the
/// service's own migrator (the storage bootstrap with one shard), so tables, partitions, keys and indexes are the service's.
/// </summary>
internal sealed class BaselineDatabase : IAsyncDisposable
{
    public const string Description =
        "one transaction per follow (2 INSERTs, one round trip) into the following and fans partitions of the service's edges schema, " +
        "in a separate database on the same server migrated by StorageBootstrap; no counts, no outbox";

    private const string Database = "baseline";

    // Two statements in one batch run as one implicit transaction in one round trip: the cheapest correct way to
    // write both rows, and the same shape as the service's own write batch.
    private const string FollowSql = """
        INSERT INTO following (owner_id, direction, other_id, state, event_at) VALUES ($1, 1, $2, 1, $3)
        """;

    private const string FanSql = """
        INSERT INTO fans (owner_id, direction, other_id, state, event_at) VALUES ($2, 2, $1, 1, $3)
        """;

    private readonly NpgsqlDataSource _dataSource;

    private BaselineDatabase(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>Creates (or empties, in a reused data directory) the baseline database.</summary>
    public static async Task<BaselineDatabase> CreateAsync(BenchmarkServer server, CancellationToken cancellationToken)
    {
        string connectionString;
        await using (var migrated = new ShardSet())
        {
            await StorageBootstrap.InitializeAsync(migrated, server.ConnectionString(Database), new StorageOptions { Shards = 1 }, cancellationToken);
            connectionString = migrated.All[0].ConnectionString;
        }

        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await using var empty = dataSource.CreateCommand("TRUNCATE edges, edge_counts");
            await empty.ExecuteNonQueryAsync(cancellationToken);
            return new BaselineDatabase(dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    public async Task FollowAsync(long follower, long followee, CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.UtcNow;
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(FollowSql) { Parameters = { new() { Value = follower }, new() { Value = followee }, new() { Value = at } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(FanSql) { Parameters = { new() { Value = follower }, new() { Value = followee }, new() { Value = at } } });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows written, following and fans; both equal the baseline follows done.</summary>
    public async Task<(long Following, long Fans)> CountEdgesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT (SELECT count(*) FROM following), (SELECT count(*) FROM fans)");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
