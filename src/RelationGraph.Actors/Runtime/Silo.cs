using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;

namespace RelationGraph.Actors.Runtime;

/// <summary>The silo's life cycle: collects idle activations while running and deactivates everything when stopping.</summary>
internal sealed partial class Silo(
    Catalog catalog,
    SiloControl control,
    TimeProvider timeProvider,
    IOptions<SiloOptions> siloOptions,
    IOptions<GrainCollectionOptions> collectionOptions,
    ILogger<Silo> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var silo = siloOptions.Value;
        var collection = collectionOptions.Value;
        LogStarted(logger, silo.SiloName ?? Environment.MachineName, silo.ClusterId, silo.ServiceId);
        using var timer = new PeriodicTimer(collection.CollectionQuantum, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                catalog.CollectIdleActivations(collection.CollectionAge);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (control.IsKilled)
        {
            return;
        }

        LogStopping(logger, catalog.ActivationCount);
        await catalog.DeactivateAllAsync().WaitAsync(cancellationToken);
    }
}
