using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RelationGraph.Abstractions;
using Orleans.Serialization;
using RelationGraph.EmbeddedPostgres;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

/// <summary>Shard 3 lives on a server of its own, which these tests stop while the other shards keep serving.</summary>
public sealed class ShardOutageTests(ShardOutageTests.Fixture fixture) : IClassFixture<ShardOutageTests.Fixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task A_stopped_shard_answers_503_while_other_shards_keep_serving()
    {
        var onDownShard = fixture.UserOnShard(3);
        var onLiveShard = fixture.UserOnShard(0);
        await Client.FollowAsync(onLiveShard, fixture.UserOnShard(1));
        var neighbours = Enumerable.Range(0, 8).Select(_ => fixture.UserOnShard(3)).ToList();
        await Task.WhenAll(neighbours.Select(u => Client.FollowingAsync(u))); // several pooled connections to shard 3

        await fixture.ShardServer.StopAsync(Token);
        try
        {
            var clock = Stopwatch.StartNew();
            using var down = await Client.GetAsync($"/v1/users/{onDownShard}/following", Token);
            var problem = await FollowApiTests.AssertProblemAsync(down, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("Shard 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the failure took {clock.Elapsed}, not fast");

            Assert.Single((await Client.FollowingAsync(onLiveShard)).Items);
            using var health = await Client.GetAsync("/health", Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }
        finally
        {
            await fixture.ShardServer.RestartAsync(Token);
        }

        foreach (var neighbour in neighbours)
        {
            Assert.Empty((await Client.FollowingAsync(neighbour)).Items); // no stale pooled connection fails a call
        }

        await fixture.AssertHealthyAsync();
        Assert.Empty((await Client.FollowingAsync(onDownShard)).Items);
    }

    [Fact]
    public async Task A_follow_whose_fan_shard_is_down_keeps_the_following_row_and_a_retry_repairs_the_fans()
    {
        var follower = fixture.UserOnShard(0);
        var followee = fixture.UserOnShard(3);

        await fixture.ShardServer.StopAsync(Token);
        try
        {
            using var failed = await Client.PutAsync($"/v1/users/{follower}/following/{followee}", null, Token);
            await FollowApiTests.AssertProblemAsync(failed, HttpStatusCode.ServiceUnavailable);
            Assert.Equal([followee], (await Client.FollowingAsync(follower)).Items.Select(i => i.UserId));
        }
        finally
        {
            await fixture.ShardServer.RestartAsync(Token);
        }

        await fixture.AssertHealthyAsync();
        Assert.Empty((await Client.FansAsync(followee)).Items);

        var retry = await Client.FollowAsync(follower, followee);

        Assert.False(retry.Changed);
        Assert.Equal([follower], (await Client.FansAsync(followee)).Items.Select(i => i.UserId));
        Assert.Equal(1, (await Client.CountsAsync(followee)).Fans);
        Assert.Equal(1, (await Client.CountsAsync(follower)).Following);
    }

    [Fact]
    public async Task The_error_of_a_stopped_shard_crosses_the_wire_to_SDK_clients_as_itself()
    {
        var store = fixture.Services.GetRequiredService<EdgeStore>();
        var user = fixture.UserOnShard(3);

        await fixture.ShardServer.StopAsync(Token);
        ShardUnavailableException thrown;
        try
        {
            thrown = await Assert.ThrowsAsync<ShardUnavailableException>(() => store.GetCountAsync(EdgeDirection.Following, user, Token));
        }
        finally
        {
            await fixture.ShardServer.RestartAsync(Token);
        }

        await fixture.AssertHealthyAsync(); // the shard is marked available again, as the other tests expect to find it
        var serializer = fixture.Services.GetRequiredService<Serializer>();
        var received = Assert.IsType<ShardUnavailableException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(thrown)));
        Assert.Equal((thrown.Message, thrown.Shard), (received.Message, received.Shard));
        Assert.Contains("Shard 3", received.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_shard_logs_its_outage_once_and_its_return_once_with_the_count_of_failed_calls()
    {
        var users = Enumerable.Range(0, 40).Select(_ => fixture.UserOnShard(3)).ToList();
        var before = fixture.Logs.GetSnapshot().Count;

        await fixture.ShardServer.StopAsync(Token);
        var failed = 0;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token }, async (i, ct) =>
            {
                var user = users[i % users.Count];
                using var response = i % 2 == 0
                    ? await Client.GetAsync($"/v1/users/{user}/following", ct)
                    : await Client.PutAsync($"/v1/users/{user}/following/{users[(i + 1) % users.Count]}", null, ct);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Interlocked.Increment(ref failed);
            });
        }
        finally
        {
            await fixture.ShardServer.RestartAsync(Token);
        }

        Assert.Empty((await Client.FollowingAsync(users[0])).Items);
        var records = fixture.Logs.GetSnapshot().Skip(before).ToList();
        var loud = records.Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
        var down = Assert.Single(loud, r => r.Message.StartsWith("Shard 3 ", StringComparison.Ordinal));
        Assert.Contains("is unavailable", down.Message, StringComparison.Ordinal);
        Assert.Null(down.Exception);
        Assert.True(loud.Count <= 2, $"{loud.Count} warnings or errors for one shard's outage:\n{string.Join('\n', loud.Select(r => $"{r.Level} {r.Category}: {r.Message}"))}");
        var back = Assert.Single(records, r => r.Message.Contains("is available again", StringComparison.Ordinal));
        var failedCalls = long.Parse(back.StructuredState!.Single(p => p.Key == "FailedCalls").Value!, System.Globalization.CultureInfo.InvariantCulture);
        // Each read is a failed call of its own; follows that share a group commit fail as one. Plus health probes and reads of the fan side.
        Assert.InRange(failedCalls, failed / 2, failed + 100);
        Assert.InRange(records.Count(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Debug && r.Message.Contains("answered 503", StringComparison.Ordinal)), failed, failed);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public class Fixture(PostgresFixture postgres) : IAsyncLifetime
    {
        private DirectoryInfo? _directory;
        private SiloFactory? _factory;
        private long _nextUserId = 1_000;

        public PostgresServer ShardServer { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        /// <summary>Everything the silo logs at warning and above, and RelationGraph's own lines from debug up.</summary>
        public FakeLogCollector Logs => _factory!.Services.GetFakeLogCollector();

        /// <summary>The silo's services.</summary>
        public IServiceProvider Services => _factory!.Services;

        /// <summary>The silo's shards.</summary>
        public ShardSet Shards => _factory!.Services.GetRequiredService<ShardSet>();

        public async ValueTask InitializeAsync()
        {
            (ShardServer, _directory) = await PostgresFixture.StartExtraServerAsync();
            var name = postgres.NewDatabaseName("outage");
            var settings = new Dictionary<string, string?>();
            for (var shard = 0; shard < 3; shard++)
            {
                settings[$"RelationGraph:ShardConnectionStrings:{shard}"] = postgres.Server.GetConnectionString($"{name}_shard_{shard}");
            }

            settings["RelationGraph:ShardConnectionStrings:3"] = ShardServer.GetConnectionString($"{name}_shard_3");
            settings["RelationGraph:ShardConnectTimeout"] = "00:00:02";
            settings["Logging:LogLevel:RelationGraph"] = "Debug";
            settings["RelationGraph:Redundancy"] = Redundancy;
            _factory = new SiloFactory(postgres.Server.GetConnectionString(name), settings, logging => logging.AddFakeLogging());
            Client = _factory.CreateClient();
        }

        /// <summary>How the fan copy follows; Sync unless a subclass says otherwise.</summary>
        protected virtual string Redundancy => "Sync";

        /// <summary>A fresh user id whose rows live on <paramref name="shard"/>.</summary>
        public UserId UserOnShard(int shard)
        {
            var map = _factory!.Services.GetRequiredService<ShardSet>().Map;
            while (true)
            {
                var id = Interlocked.Increment(ref _nextUserId);
                if (map.ShardOf(id) == shard)
                {
                    return new UserId(id);
                }
            }
        }

        /// <summary>Right after a restart every shard answers: the failed calls during the outage dropped the stale pooled connections.</summary>
        public async Task AssertHealthyAsync()
        {
            using var health = await Client.GetAsync("/health", Token);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        public async ValueTask DisposeAsync()
        {
            GC.SuppressFinalize(this);
            try
            {
                Client.Dispose();
                if (_factory is not null)
                {
                    await _factory.DisposeAsync();
                }
            }
            finally
            {
                await ShardServer.StopAsync();
                _directory?.Delete(recursive: true);
            }
        }
    }
}
