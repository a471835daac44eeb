using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class IdleCollectionTests
{
    private static Task<TestSilo> StartSiloWithFastCollectionAsync() =>
        TestSilo.StartAsync(
            s => s.AddGrain<WorkerGrain>(),
            services => services.Configure<GrainCollectionOptions>(options =>
            {
                options.CollectionAge = TimeSpan.FromMilliseconds(200);
                options.CollectionQuantum = TimeSpan.FromMilliseconds(50);
            }));

    [Fact]
    public async Task Idle_activation_is_collected_and_the_next_call_reactivates_it_with_fresh_state()
    {
        await using var silo = await StartSiloWithFastCollectionAsync();
        var grain = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var grainId = TestSilo.IdOf(grain);
        var first = await grain.Increment().WithTimeout();

        var reason = await silo.Probe.Deactivation(grainId).WithTimeout();

        Assert.Equal(DeactivationReason.IdleCollection, reason);
        var second = await grain.Increment().WithTimeout();
        Assert.Equal(1, first.Value);
        Assert.Equal(1, second.Value);
        Assert.NotEqual(first.ActivationId, second.ActivationId);
        Assert.Equal(2, silo.Probe.ActivationCount(grainId));
        Assert.Equal([first.ActivationId, second.ActivationId], silo.Probe.Activations(grainId));
    }

    [Fact]
    public async Task Activation_with_a_request_in_flight_is_not_collected()
    {
        await using var silo = await StartSiloWithFastCollectionAsync();
        var busy = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var busyId = TestSilo.IdOf(busy);
        var witness = silo.GrainFactory.GetGrain<IWorkerGrain>(2);
        var witnessId = TestSilo.IdOf(witness);

        var blocked = busy.BlockUntil("release");
        Assert.Equal(busyId, await silo.Probe.Signaled(WorkerGrain.Entered).WithTimeout());
        var busyActivation = await busy.PeekActivationId().WithTimeout();

        // The witness is used after the busy grain was, so whenever the witness is old enough to be collected,
        // the busy grain is too, by age. The witness is collected twice in a row: the second collection happens in
        // a later collector pass, so at least one full pass has looked at the busy grain while it was old enough.
        await witness.GetActivationId().WithTimeout();
        Assert.Equal(DeactivationReason.IdleCollection, await silo.Probe.Deactivation(witnessId, 0).WithTimeout());
        await witness.GetActivationId().WithTimeout();
        Assert.Equal(DeactivationReason.IdleCollection, await silo.Probe.Deactivation(witnessId, 1).WithTimeout());

        Assert.Empty(silo.Probe.Deactivations(busyId));
        Assert.False(blocked.IsCompleted);
        // Still the same, valid activation: a deactivating one would not accept the interleaved request.
        Assert.Equal(busyActivation, await busy.PeekActivationId().WithTimeout());

        silo.Probe.Open("release");
        await blocked.WithTimeout();

        Assert.Equal(DeactivationReason.IdleCollection, await silo.Probe.Deactivation(busyId).WithTimeout());
        Assert.Equal([busyActivation], silo.Probe.Activations(busyId));
    }
}
