using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task Concurrent_calls_to_one_grain_share_one_activation()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());
        var grainId = TestSilo.IdOf(silo.GrainFactory.GetGrain<IWorkerGrain>(7));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await silo.GrainFactory.GetGrain<IWorkerGrain>(7).GetActivationId();
            }))
            .ToArray();
        start.SetResult();
        var activationIds = await Task.WhenAll(calls).WithTimeout();

        Assert.Single(activationIds.Distinct());
        Assert.Equal(1, silo.Probe.Constructed);
        Assert.Equal(1, silo.Probe.ActivationCount(grainId));
        Assert.Equal(activationIds[0], Assert.Single(silo.Probe.Activations(grainId)));
        Assert.Equal(1, silo.Catalog.ActivationCount);
        Assert.Equal(grainId, Assert.Single(silo.Catalog.GetActivations()).GrainId);
    }

    [Fact]
    public async Task Different_grain_ids_get_separate_activations_that_run_in_parallel()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());
        var first = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var second = silo.GrainFactory.GetGrain<IWorkerGrain>(2);

        var firstCall = first.BlockUntil("release");
        var secondCall = second.BlockUntil("release");

        // Both requests are inside their grains at the same time: neither waits for the other to finish.
        var entered = await Task.WhenAll(silo.Probe.Signaled(WorkerGrain.Entered, 0), silo.Probe.Signaled(WorkerGrain.Entered, 1)).WithTimeout();
        Assert.Equal(
            new HashSet<GrainId> { TestSilo.IdOf(first), TestSilo.IdOf(second) },
            entered.ToHashSet());
        Assert.False(firstCall.IsCompleted);
        Assert.False(secondCall.IsCompleted);
        Assert.Equal(2, silo.Catalog.ActivationCount);

        silo.Probe.Open("release");
        await Task.WhenAll(firstCall, secondCall).WithTimeout();

        Assert.NotEqual(await first.GetActivationId().WithTimeout(), await second.GetActivationId().WithTimeout());
        Assert.Equal(2, silo.Probe.Constructed);
    }

    [Fact]
    public async Task String_keyed_grains_are_activated_per_key()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<NamedGrain>());

        var alice = await silo.GrainFactory.GetGrain<INamedGrain>("alice").GetKey().WithTimeout();
        var bob = await silo.GrainFactory.GetGrain<INamedGrain>("bob").GetKey().WithTimeout();

        Assert.Equal("alice", alice);
        Assert.Equal("bob", bob);
        Assert.Equal(2, silo.Catalog.ActivationCount);
    }
}
