using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class ActivationFailureTests
{
    [Fact]
    public async Task Failed_activation_fails_the_call_and_the_next_call_activates_again()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());
        var grain = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var grainId = TestSilo.IdOf(grain);
        silo.Probe.FailNextActivations(grainId, 1);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.GetActivationId().WithTimeout());

        Assert.Equal($"Activation of {grainId} failed on purpose.", exception.Message);
        var activation = await grain.GetActivationId().WithTimeout();
        Assert.Equal(2, silo.Probe.ActivationCount(grainId));
        Assert.Equal(2, silo.Probe.Constructed);
        Assert.Equal(activation, silo.Probe.Activations(grainId)[1]);
        Assert.Equal(activation, await grain.GetActivationId().WithTimeout());
        Assert.Equal(1, silo.Catalog.ActivationCount);
    }

    [Fact]
    public async Task Every_request_queued_on_a_failed_activation_gets_the_activation_exception()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());
        var grain = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var grainId = TestSilo.IdOf(grain);
        silo.Probe.FailNextActivations(grainId, 1);
        silo.Probe.HoldNextActivation(grainId, "activate");

        var calls = new[] { grain.SetValue(1), grain.GetActivationId(), grain.PeekActivationId(), grain.SetValue(2) };
        await silo.Probe.Activated(grainId).WithTimeout();
        Assert.DoesNotContain(calls, call => call.IsCompleted);
        silo.Probe.Open("activate");

        foreach (var call in calls)
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WithTimeout());
            Assert.Equal($"Activation of {grainId} failed on purpose.", exception.Message);
        }

        Assert.Equal(0, await grain.GetValue().WithTimeout());
        Assert.Equal(2, silo.Probe.ActivationCount(grainId));
    }
}
