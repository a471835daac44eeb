using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class ReentrancyTests
{
    [Fact]
    public async Task AlwaysInterleave_method_runs_while_a_request_of_the_same_activation_waits_on_it()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddGrain<PingPongGrain>());
        var a = silo.GrainFactory.GetGrain<IPingPongGrain>(1);

        // a.CallThroughPeer -> b.CallBack -> a.GetNameInterleaved while a.CallThroughPeer is still running.
        var name = await a.CallThroughPeer(2, interleaved: true).WithTimeout();

        Assert.Equal(TestSilo.IdOf(a).ToString(), name);
        Assert.Equal(2, silo.Catalog.ActivationCount);
    }

    [Fact]
    public async Task Call_cycle_into_a_non_interleaved_method_deadlocks_until_the_response_timeout()
    {
        await using var silo = await TestSilo.StartAsync(
            s => s.AddGrain<PingPongGrain>(),
            services => services.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(1)));
        var a = silo.GrainFactory.GetGrain<IPingPongGrain>(1);

        await Assert.ThrowsAsync<TimeoutException>(() => a.CallThroughPeer(2, interleaved: false).WithTimeout());

        // Once the inner call times out too, the cycle unwinds and the activation serves requests again.
        Assert.Equal(TestSilo.IdOf(a).ToString(), await TestWait.RetryOnTimeoutAsync(a.GetName));
    }
}
