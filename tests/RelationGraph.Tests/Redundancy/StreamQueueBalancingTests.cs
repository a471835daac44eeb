using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using RelationGraph.Abstractions;
using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// The stream queues (outbox queues, or Cdc slots) are divided evenly among the silos through leases in the meta
/// database, and each silo runs a pulling agent for exactly the queues it holds.
/// </summary>
public sealed class StreamQueueBalancingTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task Every_silo_pulls_an_even_share_of_the_queues(string mode)
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, mode, silos: 3);
        var provider = RedundancyCluster.ProviderOf(mode);
        var queues = cluster.Services().GetRequiredKeyedService<IQueueAdapterFactory>(provider).GetStreamQueueMapper().GetAllQueues().Count();

        var held = await cluster.QueueHoldersAsync(provider, Token);

        // Each silo holds queues / 3, and the remainder goes one each to some of them.
        Assert.Equal(Enumerable.Range(0, 3).Select(i => (queues / 3) + (i < queues % 3 ? 1 : 0)).Order(), held.Values.Select(q => q.Count).Order());
        foreach (var silo in cluster.Silos)
        {
            await Eventually.WaitAsync(async _ => await cluster.RunningAgentsAsync(silo, provider) == held[silo.SiloAddress].Count, Patience,
                () => $"{silo.SiloAddress} should run an agent for each of its {held[silo.SiloAddress].Count} queues", Token);
        }
    }

    [Fact]
    public async Task The_queues_of_a_silo_that_stops_go_to_the_silo_left()
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, "Stream", silos: 2);
        var provider = RelationGraphSiloBuilderExtensions.OutboxStreamProviderName;
        var (survivor, leaving) = (cluster.Silos[0], cluster.Silos[1]);
        var queues = cluster.Services().GetRequiredKeyedService<IQueueAdapterFactory>(provider).GetStreamQueueMapper().GetAllQueues().Count();
        Assert.Equal(0, queues % 2);
        Assert.All((await cluster.QueueHoldersAsync(provider, Token)).Values, held => Assert.Equal(queues / 2, held.Count));

        await cluster.StopSiloAsync(leaving, Token);

        var held = await cluster.QueueHoldersAsync(provider, Token);
        Assert.Equal(queues, held[survivor.SiloAddress].Count);
        await Eventually.WaitAsync(async _ => await cluster.RunningAgentsAsync(survivor, provider) == queues, Patience,
            () => $"{survivor.SiloAddress} should run an agent for all {queues} queues", Token);
    }

    [Fact]
    public async Task A_silo_lets_go_of_its_queues_while_the_meta_database_is_down_and_takes_them_back_when_it_returns()
    {
        // The leases live in the meta database; the shards, and so the queues' rows, stay up on the shared server.
        var (metaServer, directory) = await PostgresFixture.StartExtraServerAsync();
        try
        {
            var name = postgres.NewDatabaseName("leases");
            var settings = new Dictionary<string, string?> { ["RelationGraph:Streams:LeaseDuration"] = "00:00:03" };
            for (var shard = 0; shard < 4; shard++)
            {
                settings[$"RelationGraph:ShardConnectionStrings:{shard}"] = postgres.Server.GetConnectionString($"{name}_shard_{shard}");
            }

            await using var cluster = await RedundancyCluster.StartAsync(postgres, "Stream", settings, silos: 1, meta: metaServer.GetConnectionString(name));
            await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
            var provider = RelationGraphSiloBuilderExtensions.OutboxStreamProviderName;
            var silo = cluster.Silos[0];
            var queues = (await cluster.QueueHoldersAsync(provider, Token))[silo.SiloAddress].Count;

            await metaServer.StopAsync(Token);
            await Eventually.WaitAsync(async _ => await cluster.RunningAgentsAsync(silo, provider) == 0, Patience,
                () => "the silo should let go of the queues whose leases it cannot renew", Token);

            // A follow made meanwhile waits in its queue, and lands once the silo holds the queues again.
            var (fan, star) = (new UserId(41), new UserId(42));
            Assert.True((await client.FollowAsync(fan, star, Token)).Changed);
            await metaServer.RestartAsync(Token);
            Assert.Equal(queues, (await cluster.QueueHoldersAsync(provider, Token))[silo.SiloAddress].Count);
            await Eventually.WaitAsync(async _ => await cluster.RunningAgentsAsync(silo, provider) == queues, Patience,
                () => $"the silo should pull all {queues} queues again", Token);
            await Eventually.WaitAsync(ct => cluster.Store().IsFanAsync(star, fan, ct), Patience, () => "the follow made during the outage did not land", Token);
        }
        finally
        {
            await metaServer.DisposeAsync();
            directory.Delete(recursive: true);
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
