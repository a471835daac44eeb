using System.Net;
using Microsoft.Extensions.Logging;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

/// <summary>In Stream mode (the default) the outbox receivers poll every shard many times a second; a stopped shard must not flood the log through them either.</summary>
public sealed class StreamOutageLoggingTests(StreamOutageLoggingTests.StreamFixture fixture) : IClassFixture<StreamOutageLoggingTests.StreamFixture>
{
    [Fact]
    public async Task A_stopped_shard_in_Stream_mode_logs_a_bounded_number_of_lines()
    {
        var user = fixture.UserOnShard(3);
        var before = fixture.Logs.GetSnapshot().Count;

        await fixture.ShardServer.StopAsync(TestContext.Current.CancellationToken);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                using var response = await fixture.Client.GetAsync($"/v1/users/{user}/following", TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }

            // Until the down shard's outbox receivers have each failed to read it several times over (20 requests plus
            // at least 3 rounds of its queues), so their retries are what the log is counted over.
            var shard = fixture.Shards.All[3];
            var queues = new StreamOptions().QueuesPerDatabase;
            await Eventually.WaitAsync(
                _ => Task.FromResult(shard.FailedCalls >= 20 + 3 * queues), TimeSpan.FromSeconds(30),
                () => $"the receivers' retries on the down shard ({shard.FailedCalls} failed calls)", TestContext.Current.CancellationToken);
        }
        finally
        {
            await fixture.ShardServer.RestartAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty((await fixture.Client.FollowingAsync(user)).Items);
        var loud = fixture.Logs.GetSnapshot().Skip(before).Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.True(loud.Count <= 10, $"{loud.Count} warnings or errors for one shard's 2 s outage:\n{string.Join('\n', loud.Take(30).Select(r => $"{r.Level} {r.Category}: {r.Message}"))}");
    }

    public sealed class StreamFixture(PostgresFixture postgres) : ShardOutageTests.Fixture(postgres)
    {
        protected override string Redundancy => "Stream";
    }
}
