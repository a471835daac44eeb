using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.LeaseProviders;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Streams;

/// <summary>How RelationGraph's stream providers divide their queues among the silos.</summary>
public static class StreamQueueBalancing
{
    /// <summary>
    /// Orleans' lease-based queue balancer with leases in the meta database (<see cref="PostgresLeaseProvider"/>, category:
    /// the provider's name). Every silo pulls queues / silos of the queues, so with one queue per shard the work spreads
    /// evenly even over a few shards, where a hash ring may leave a silo nothing. A lease lasts
    /// <see cref="StreamOptions.LeaseDuration"/>, as the receivers' hold on the rows they read does: a dead silo's queues
    /// and rows come back after the same time.
    /// </summary>
    public static void UsePostgresLeaseBasedQueueBalancer(this ISiloPersistentStreamConfigurator streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var name = streams.Name;
        streams.ConfigureDelegate(services =>
        {
            services.AddOptions<StreamOptions>();
            services.TryAddSingleton<PostgresLeaseProvider>();
            services.AddKeyedSingleton<ILeaseProvider>(name, (sp, _) => sp.GetRequiredService<PostgresLeaseProvider>());
        });
        streams.UseLeaseBasedQueueBalancer(balancer => balancer.Configure<IOptions<StreamOptions>>((o, settings) =>
        {
            o.LeaseCategory = name;
            o.LeaseLength = settings.Value.LeaseDuration;
            o.LeaseRenewPeriod = settings.Value.LeaseDuration / 3;

            // A silo short of its share asks again this often, one statement each time, until it has it; a queue given
            // up by another silo (one joined or left) waits at most this long.
            o.LeaseAcquisitionPeriod = TimeSpan.FromSeconds(1);
        }));
    }
}
