using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Persistence;

public sealed class StorageStartupTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_second_start_on_the_same_meta_database_keeps_the_shard_map_and_schema()
    {
        var meta = postgres.NewDatabase("startup");
        ShardMapView first;
        await using (var storage = await StorageHost.StartAsync(meta))
        {
            first = ShardMapView.Of(storage.Shards.Map);
        }

        await using var again = await StorageHost.StartAsync(meta);

        Assert.Equal(first, ShardMapView.Of(again.Shards.Map));
        Assert.Equal(4, again.Shards.All.Count);
        var metaScripts = typeof(RelationGraph.Persistence.StorageOptions).Assembly.GetManifestResourceNames().Count(r => r.StartsWith("Meta/", StringComparison.Ordinal));
        Assert.Equal((long)metaScripts, await ScalarAsync(meta, "SELECT count(*) FROM schema_migrations"));
        Assert.Equal(4096L, await ScalarAsync(meta, "SELECT count(*) FROM virtual_shards"));
    }

    [Fact]
    public async Task Silos_starting_together_on_a_new_meta_database_agree_on_one_shard_map()
    {
        var meta = postgres.NewDatabase("together");

        var hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StorageHost.StartAsync(meta)));
        try
        {
            Assert.Single(hosts.Select(h => ShardMapView.Of(h.Shards.Map)).Distinct());
            Assert.Equal(4L, await ScalarAsync(meta, "SELECT count(*) FROM shard_databases"));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Sequential_ids_are_spread_by_the_stored_map_within_five_percent()
    {
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("spread"));
        var perShard = new int[storage.Shards.All.Count];

        for (var id = 1L; id <= 100_000; id++)
        {
            perShard[storage.Shards.For(new Abstractions.UserId(id)).Database.ShardId]++;
        }

        Assert.All(perShard, count => Assert.InRange(count, 23_750, 26_250));
    }

    [Fact]
    public async Task A_configuration_that_disagrees_with_the_stored_map_stops_the_start_with_a_clear_error()
    {
        var meta = postgres.NewDatabase("mismatch");
        await (await StorageHost.StartAsync(meta, new Dictionary<string, string?> { ["RelationGraph:Shards"] = "2" })).DisposeAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StorageHost.StartAsync(meta, new Dictionary<string, string?> { ["RelationGraph:Shards"] = "3" }));

        Assert.Contains("has 2 shards", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RelationGraph:Shards", "0")]
    [InlineData("RelationGraph:VirtualShards", "2")]
    public async Task Invalid_options_fail_at_start(string key, string value)
    {
        var settings = new Dictionary<string, string?> { [key] = value };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StorageHost.StartAsync(postgres.NewDatabase("invalid"), settings));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
