using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class TurnBasedExecutionTests
{
    [Fact]
    public async Task Concurrent_requests_to_one_activation_run_one_at_a_time()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<TurnGrain>());
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, 100)
            .Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await silo.GrainFactory.GetGrain<ITurnGrain>(1).IncrementAcrossAwait();
            }))
            .ToArray();
        start.SetResult();
        var results = await Task.WhenAll(calls).WithTimeout();

        var grain = silo.GrainFactory.GetGrain<ITurnGrain>(1);
        Assert.Equal(100, await grain.GetCount().WithTimeout());
        Assert.Equal(1, await grain.GetMaxConcurrency().WithTimeout());
        Assert.Equal(Enumerable.Range(1, 100), results.Order());
    }

    [Fact]
    public async Task Requests_from_one_caller_run_in_the_order_they_were_issued()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<TurnGrain>());
        var grain = silo.GrainFactory.GetGrain<ITurnGrain>(1);
        const int count = 100;

        var calls = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            calls.Add(grain.Append(i));
        }

        await Task.WhenAll(calls).WithTimeout();

        Assert.Equal(Enumerable.Range(0, count), await grain.GetLog().WithTimeout());
        Assert.Equal(1, await grain.GetMaxConcurrency().WithTimeout());
    }
}
