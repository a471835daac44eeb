using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>
/// Runs a pulling agent for every queue this silo owns. Ownership is rendezvous placement of the queue over the
/// active silos, so queues spread evenly and move to the survivors when a silo dies, without coordination; while
/// views differ two silos may briefly pull one queue, which row locks and idempotent consumers make harmless.
/// </summary>
internal sealed partial class PullingAgentManager(
    IStreamQueueDatabases databases,
    StreamSubscriptions subscriptions,
    IGrainFactory grains,
    MembershipView membership,
    LocalSiloDetails local,
    SiloControl control,
    StreamMetrics metrics,
    TimeProvider time,
    IOptions<StreamOptions> options,
    ILoggerFactory loggerFactory,
    IStreamBatchInterceptor? interceptor = null) : BackgroundService
{
    private readonly Dictionary<(string Database, int Queue), (CancellationTokenSource Stop, Task Run)> _agents = [];
    private readonly ILogger _logger = loggerFactory.CreateLogger<PullingAgentManager>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        control.Killed += StopAll;
        using var timer = new PeriodicTimer(options.Value.RebalancePeriod, time);
        try
        {
            do
            {
                Rebalance(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }

        StopAll();
        await Task.WhenAll(_agents.Values.Select(a => a.Run));
    }

    private void Rebalance(CancellationToken stoppingToken)
    {
        var active = membership.Current.ActiveSilos;
        if (active.Count == 0)
        {
            return; // Not joined yet.
        }

        var owned = new HashSet<(string, int)>();
        foreach (var (name, dataSource) in databases.Databases)
        {
            for (var queue = 0; queue < options.Value.QueuesPerDatabase; queue++)
            {
                if (GrainPlacement.Place(new GrainId("stream-queue", $"{name}/{queue}"), active) != local.Address)
                {
                    continue;
                }

                owned.Add((name, queue));
                if (!_agents.ContainsKey((name, queue)) && !control.IsKilled)
                {
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var agent = new PullingAgent(name, dataSource, queue, subscriptions, grains, options.Value, metrics, interceptor, time, _logger);
                    _agents[(name, queue)] = (stop, Task.Run(() => agent.RunAsync(stop.Token), CancellationToken.None));
                }
            }
        }

        foreach (var lost in _agents.Keys.Where(k => !owned.Contains(k)).ToList())
        {
            _agents[lost].Stop.Cancel();
            _agents.Remove(lost);
        }

        if (owned.Count > 0)
        {
            LogOwned(_logger, owned.Count);
        }
    }

    private void StopAll()
    {
        foreach (var agent in _agents.Values)
        {
            agent.Stop.Cancel();
        }
    }

    [LoggerMessage(1, LogLevel.Trace, "Pulling {Count} stream queues")]
    private static partial void LogOwned(ILogger logger, int count);
}
