using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>
/// Runs a pulling agent for every queue this silo owns by placement; row locks and idempotent consumers make the
/// brief double ownership during view changes harmless.
/// </summary>
internal sealed class PullingAgentManager(
    IStreamQueueDatabases databases,
    StreamSubscriptions subscriptions,
    IGrainFactory grains,
    MembershipView membership,
    LocalSiloDetails local,
    SiloControl control,
    StreamMetrics metrics,
    StreamQueueSignals signals,
    TimeProvider time,
    IOptions<StreamOptions> options,
    ILogger<PullingAgentManager> logger,
    IStreamBatchInterceptor? interceptor = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var agents = new PlacedWorkers<Queue>("stream-queue", membership, local, control);
        using var timer = new PeriodicTimer(options.Value.RebalancePeriod, time);
        try
        {
            do
            {
                var queues = databases.Databases.SelectMany(d => Enumerable.Range(0, options.Value.QueuesPerDatabase).Select(q => new Queue(d.Name, d.DataSource, q)));
                agents.Rebalance(queues, q => $"{q.Database}/{q.Number}", RunAgentAsync, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }

        await agents.StopAllAsync();
    }

    private Task RunAgentAsync(Queue queue, CancellationToken cancellationToken) =>
        new PullingAgent(queue.Database, queue.DataSource, queue.Number, subscriptions, grains, options.Value, metrics, signals, interceptor, time, logger)
            .RunAsync(cancellationToken);

    private sealed record Queue(string Database, NpgsqlDataSource DataSource, int Number);
}
