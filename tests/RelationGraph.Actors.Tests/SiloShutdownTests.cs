using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class SiloShutdownTests
{
    [Fact]
    public async Task Stopping_the_host_deactivates_every_activation()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>().AddGrain<ShapesGrain>());
        var workers = Enumerable.Range(1, 3).Select(i => silo.GrainFactory.GetGrain<IWorkerGrain>(i)).ToArray();
        foreach (var worker in workers)
        {
            await worker.SetValue(1).WithTimeout();
        }

        var shapes = silo.GrainFactory.GetGrain<IShapesGrain>(1);
        await shapes.Add(1).WithTimeout();
        Assert.Equal(4, silo.Catalog.ActivationCount);

        await silo.StopAsync().WithTimeout();

        foreach (var grain in workers.Cast<IGrain>().Append(shapes))
        {
            Assert.Equal([DeactivationReason.ShuttingDown], silo.Probe.Deactivations(TestSilo.IdOf(grain)));
        }

        Assert.Equal(0, silo.Catalog.ActivationCount);
    }

    [Fact]
    public async Task Stopping_the_host_lets_a_request_in_flight_finish_before_deactivating_its_activation()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());
        var busy = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var idle = silo.GrainFactory.GetGrain<IWorkerGrain>(2);
        await idle.SetValue(1).WithTimeout();
        var blocked = busy.BlockUntil("release");
        await silo.Probe.Signaled(WorkerGrain.Entered).WithTimeout();

        var stopping = silo.StopAsync();
        Assert.Equal(DeactivationReason.ShuttingDown, await silo.Probe.Deactivation(TestSilo.IdOf(idle)).WithTimeout());

        Assert.Empty(silo.Probe.Deactivations(TestSilo.IdOf(busy)));
        Assert.False(blocked.IsCompleted);
        Assert.False(stopping.IsCompleted);

        silo.Probe.Open("release");
        await blocked.WithTimeout();
        await stopping.WithTimeout();

        Assert.Equal([DeactivationReason.ShuttingDown], silo.Probe.Deactivations(TestSilo.IdOf(busy)));
        Assert.Equal(0, silo.Catalog.ActivationCount);
    }
}
