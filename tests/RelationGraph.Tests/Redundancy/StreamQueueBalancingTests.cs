using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
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

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
