using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class GrainMethodShapeTests
{
    [Fact]
    public async Task Task_ValueTask_and_ValueTask_of_T_methods_work_through_references()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<ShapesGrain>());
        var grain = silo.GrainFactory.GetGrain<IShapesGrain>(1);

        await grain.Add(2).WithTimeout();
        await grain.AddValue(3).WithTimeout();
        var total = await grain.GetTotal().WithTimeout();

        Assert.Equal(5, total);
        Assert.Equal(5, await grain.GetTotalAsTask().WithTimeout());
    }

    [Fact]
    public async Task CancellationToken_argument_reaches_the_grain_as_passed()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<ShapesGrain>());
        var grain = silo.GrainFactory.GetGrain<IShapesGrain>(1);

        Assert.True(await grain.IsCancellationRequested(new CancellationToken(canceled: true)).WithTimeout());
        Assert.False(await grain.CanBeCanceled(CancellationToken.None).WithTimeout());
        Assert.True(await grain.CanBeCanceled(TestContext.Current.CancellationToken).WithTimeout());
    }

    [Fact]
    public async Task Cancelling_the_caller_token_is_seen_by_the_grain_during_a_local_call()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<ShapesGrain>());
        var grain = silo.GrainFactory.GetGrain<IShapesGrain>(1);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var call = grain.WaitForCancellation(cancellation.Token);
        await silo.Probe.Signaled(ShapesGrain.Waiting).WithTimeout();
        Assert.False(call.IsCompleted);
        await cancellation.CancelAsync();

        Assert.True(await call.WithTimeout());
    }
}
