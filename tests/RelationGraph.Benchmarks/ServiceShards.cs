using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The service's shard databases opened by the benchmark itself, through the storage bootstrap a silo runs, with
/// pools of its own: for loading graphs, for the read baseline (the service's page query on the owner's shard,
/// routed by the shard map) and for looking at the stored rows.
/// </summary>
internal sealed class ServiceShards : IAsyncDisposable
{
    private readonly IReadOnlyList<NpgsqlDataSource> _dataSources;

    private ServiceShards(ShardSet shards)
    {
        Shards = shards;
        _dataSources = shards.All.Select(s => s.DataSource).ToList();
    }

    public ShardSet Shards { get; }

    /// <summary>Opens (creating and migrating on first use, with a silo's defaults: 4 shards) the storage of <paramref name="metaConnectionString"/>.</summary>
    public static Task<ServiceShards> OpenAsync(string metaConnectionString, CancellationToken cancellationToken) =>
        OpenAsync(metaConnectionString, new StorageOptions().Shards, cancellationToken);

    /// <summary>Opens the storage of <paramref name="metaConnectionString"/>, creating <paramref name="shardCount"/> shards on first use.</summary>
    public static async Task<ServiceShards> OpenAsync(string metaConnectionString, int shardCount, CancellationToken cancellationToken)
    {
        var shards = new ShardSet();
        try
        {
            await StorageBootstrap.InitializeAsync(shards, metaConnectionString, new StorageOptions { Shards = shardCount }, cancellationToken);
            return new ServiceShards(shards);
        }
        catch
        {
            await shards.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the service's first-page query for <paramref name="owner"/> on its shard; the entries a page of <paramref name="limit"/> shows.</summary>
    public async Task<int> ReadPageAsync(EdgeDirection direction, UserId owner, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSources[Shards.Map.ShardOf(owner.Value)].CreateCommand(EdgeStore.FirstPageSql);
        command.Parameters.Add(new() { Value = owner.Value });
        command.Parameters.Add(new() { Value = (short)direction });
        command.Parameters.Add(new() { Value = limit + 1 });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            // Decoded as EdgeStore decodes them, so both sides pay for the same work per row.
            _ = reader.GetInt64(0);
            _ = reader.GetFieldValue<DateTimeOffset>(1);
            rows++;
        }

        return Math.Min(rows, limit);
    }

    /// <summary>The <paramref name="count"/> users with the most fans, from the stored counts.</summary>
    public async Task<IReadOnlyList<(UserId User, long Fans)>> GetMostFollowedAsync(int count, CancellationToken cancellationToken)
    {
        var all = new List<(UserId, long)>();
        foreach (var dataSource in _dataSources)
        {
            await using var command = dataSource.CreateCommand("SELECT owner_id, count FROM edge_counts WHERE direction = 2 ORDER BY count DESC LIMIT $1");
            command.Parameters.Add(new() { Value = count });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                all.Add((new UserId(reader.GetInt64(0)), reader.GetInt64(1)));
            }
        }

        return all.OrderByDescending(u => u.Item2).Take(count).ToList();
    }

    /// <summary>Active following and fans rows over all shards; equal once every follow's fan copy has landed.</summary>
    public async Task<(long Following, long Fans)> CountEdgesAsync(CancellationToken cancellationToken)
    {
        long following = 0, fans = 0;
        foreach (var dataSource in _dataSources)
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FILTER (WHERE direction = 1), count(*) FILTER (WHERE direction = 2) FROM edges WHERE state = 1");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            following += reader.GetInt64(0);
            fans += reader.GetInt64(1);
        }

        return (following, fans);
    }

    /// <summary>Stream events not yet delivered to fan grains, over all shards.</summary>
    public static async Task<long> CountStreamBacklogAsync(ShardSet shards, CancellationToken cancellationToken)
    {
        var total = 0L;
        foreach (var dataSource in shards.All.Select(s => s.DataSource))
        {
            await using var count = dataSource.CreateCommand("SELECT count(*) FROM stream_events");
            total += (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        return total;
    }

    /// <summary>
    /// Waits until every fan copy of the acknowledged follows has landed; how long that took. The stream backlog tells in
    /// Stream mode (and is empty in Sync mode); in Cdc mode, where the copies come from the replication log, the active
    /// fans rows are counted until they match the following rows.
    /// </summary>
    public async Task<TimeSpan> WaitForFansToLandAsync(Redundancy redundancy, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await CountStreamBacklogAsync(Shards, cancellationToken) > 0)
        {
            await Task.Delay(20, cancellationToken);
        }

        while (redundancy == Redundancy.Cdc && await CountEdgesAsync(cancellationToken) is var (following, fans) && fans < following)
        {
            await Task.Delay(20, cancellationToken);
        }

        return clock.Elapsed;
    }

    public ValueTask DisposeAsync() => Shards.DisposeAsync();
}
