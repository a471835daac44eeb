using System.Diagnostics;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Silo.Dashboard;

/// <summary>Each physical database: its virtual shards, active rows per direction, health, this silo's pool use and statement p99.</summary>
internal sealed class ShardsSection(ShardSet shards, DashboardMetrics metrics) : IDashboardSection
{
    public string Id => "shards";

    public int Order => 10;

    public async Task<DashboardView> ReadAsync(CancellationToken cancellationToken)
    {
        var map = shards.Map;
        var rows = await Task.WhenAll(shards.All.Select(async shard =>
        {
            var virtualShards = map.ShardOfVirtualShard.Count(s => s == shard.Database.ShardId);
            var (used, idle, max) = metrics.PoolUse(shard.Database.Database);
            var p99 = metrics.StatementP99(shard.Database.Database);
            var clock = Stopwatch.StartNew();
            try
            {
                var (following, fans) = await shard.RunAsync(CountAsync, cancellationToken);
                return (IReadOnlyList<object?>)[shard.Database.ShardId, shard.Database.Database, virtualShards, following, fans,
                    $"up ({clock.Elapsed.TotalMilliseconds:0.0} ms)", $"{used} used / {idle} idle / {max} max", p99 is { } ms ? Math.Round(ms, 2) : null];
            }
            catch (ShardUnavailableException exception)
            {
                return [shard.Database.ShardId, shard.Database.Database, virtualShards, null, null, $"DOWN: {exception.InnerException?.Message ?? exception.Message}", $"{used} used / {idle} idle / {max} max", p99];
            }
        }));
        return new DashboardView(Id, "Shards", $"{map.VirtualShards} virtual shards on {rows.Length} databases; pool and latency are this silo's.",
            [new DashboardTable("databases", ["shard", "database", "virtual shards", "following rows", "fan rows", "health", "pool", "p99 statement ms"], rows)], [], []);
    }

    /// <summary>Active edges per direction: the sum of the per-user counts, which stay exact and cost one row per user.</summary>
    private static async Task<(long Following, long Fans)> CountAsync(Npgsql.NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(sum(count) FILTER (WHERE direction = 1), 0)::bigint, coalesce(sum(count) FILTER (WHERE direction = 2), 0)::bigint FROM edge_counts");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
