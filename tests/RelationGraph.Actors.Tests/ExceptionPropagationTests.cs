using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class ExceptionPropagationTests
{
    [Fact]
    public async Task Exception_thrown_after_an_await_reaches_the_caller_with_its_type_and_message()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<ThrowingGrain>());
        var grain = silo.GrainFactory.GetGrain<IThrowingGrain>(1);

        var exception = await Assert.ThrowsAsync<GrainTestException>(() => grain.ThrowAfterAwait("boom after await").WithTimeout());

        Assert.Equal("boom after await", exception.Message);
    }

    [Fact]
    public async Task Exception_thrown_synchronously_reaches_the_caller_with_its_type_and_message()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<ThrowingGrain>());
        var grain = silo.GrainFactory.GetGrain<IThrowingGrain>(1);

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.ThrowSynchronously("out of range").WithTimeout());

        Assert.Equal("message", exception.ParamName);
        Assert.StartsWith("out of range", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exception_thrown_from_a_ValueTask_method_reaches_the_caller_with_its_type_and_message()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<ThrowingGrain>());
        var grain = silo.GrainFactory.GetGrain<IThrowingGrain>(1);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowFromValueTask("value task failed").WithTimeout());

        Assert.Equal("value task failed", exception.Message);
    }

    [Fact]
    public async Task Activation_stays_usable_after_its_methods_throw()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<ThrowingGrain>());
        var grain = silo.GrainFactory.GetGrain<IThrowingGrain>(1);

        await Assert.ThrowsAsync<GrainTestException>(() => grain.ThrowAfterAwait("first").WithTimeout());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.ThrowSynchronously("second").WithTimeout());
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowFromValueTask("third").WithTimeout());

        // Same activation: its call counter saw the three failed calls.
        Assert.Equal(4, await grain.CountCalls().WithTimeout());
        Assert.Equal(1, silo.Catalog.ActivationCount);
    }
}
