using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;
using RelationGraph.Silo.Dashboard;
using RelationGraph.Silo.Hosting;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Observability;

/// <summary>The dashboard names, for each stream queue, the silo whose pulling agent reads it: the same split Orleans' queue balancer makes.</summary>
public sealed class QueueOwnersTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Each_queue_is_shown_on_the_silo_whose_balancer_gives_it_that_silo()
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, "Stream");
        var services = cluster.Services();
        var owners = new QueueOwners(services.GetRequiredService<IClusterMembershipService>(), services.GetRequiredService<IOptions<ConsistentRingOptions>>()).Snapshot();
        var provider = RelationGraphSiloBuilderExtensions.OutboxStreamProviderName;

        var seen = 0;
        foreach (var silo in cluster.Silos)
        {
            foreach (var queue in await cluster.QueuesOfAsync(silo, provider))
            {
                Assert.Equal(silo.SiloAddress, owners(queue));
                seen++;
            }
        }

        var all = services.GetRequiredKeyedService<IQueueAdapterFactory>(provider).GetStreamQueueMapper().GetAllQueues().Count();
        Assert.Equal(all, seen);
    }
}
