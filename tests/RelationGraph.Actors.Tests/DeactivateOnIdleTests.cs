using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class DeactivateOnIdleTests
{
    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_current_call_and_the_next_call_reactivates()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());
        var grain = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var grainId = TestSilo.IdOf(grain);
        await grain.SetValue(5).WithTimeout();
        var firstActivation = await grain.GetActivationId().WithTimeout();

        var deactivationsDuringCall = await grain.DeactivateAfterThisCall().WithTimeout();

        Assert.Equal(0, deactivationsDuringCall);
        Assert.Equal(DeactivationReason.ApplicationRequested, await silo.Probe.Deactivation(grainId).WithTimeout());
        Assert.Equal(0, await grain.GetValue().WithTimeout());
        Assert.NotEqual(firstActivation, await grain.GetActivationId().WithTimeout());
        Assert.Equal(2, silo.Probe.ActivationCount(grainId));
        Assert.Single(silo.Probe.Deactivations(grainId));
        Assert.Equal(1, silo.Catalog.ActivationCount);
    }
}
