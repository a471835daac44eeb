using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class GrainRegistrationTests
{
    [Fact]
    public void Registry_rejects_a_grain_interface_with_a_non_awaitable_method()
    {
        var exception = Assert.Throws<NotSupportedException>(() => new GrainTypeRegistry([typeof(NonAwaitableGrain)]));

        Assert.Contains($"{nameof(INonAwaitableGrain)}.{nameof(INonAwaitableGrain.GetCount)}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_with_a_grain_interface_with_a_non_awaitable_method_fails_to_start()
    {
        var exception = await Assert.ThrowsAsync<NotSupportedException>(
            () => TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>().AddGrain<NonAwaitableGrain>()));

        Assert.Contains(nameof(INonAwaitableGrain.GetCount), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetGrain_of_an_unregistered_interface_throws_InvalidOperationException()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());

        var exception = Assert.Throws<InvalidOperationException>(() => silo.GrainFactory.GetGrain<IUnregisteredGrain>(1));

        Assert.Contains(nameof(IUnregisteredGrain), exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, silo.Catalog.ActivationCount);
    }

    [Fact]
    public async Task Grain_type_name_is_the_interface_name_without_I_and_Grain_in_lower_case()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<WorkerGrain>());

        Assert.Equal(new GrainId("worker", "42"), TestSilo.IdOf(silo.GrainFactory.GetGrain<IWorkerGrain>(42)));
    }
}
