using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Tests.Grains;
using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests;

public sealed class ResponseTimeoutTests
{
    [Fact]
    public async Task Call_that_never_completes_fails_with_TimeoutException_and_other_grains_still_answer()
    {
        await using var silo = await TestSilo.StartAsync(
            s => s.AddGrain<WorkerGrain>(),
            services => services.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMilliseconds(200)));
        var stuck = silo.GrainFactory.GetGrain<IWorkerGrain>(1);
        var other = silo.GrainFactory.GetGrain<IWorkerGrain>(2);
        await TestWait.RetryOnTimeoutAsync(async () =>
        {
            await other.SetValue(3);
            return true;
        });

        try
        {
            var call = stuck.BlockUntil("never-before-the-end-of-the-test");

            var exception = await Assert.ThrowsAsync<TimeoutException>(() => call.WithTimeout());

            // The runtime's timeout, not the test's own wait.
            Assert.Contains(nameof(IWorkerGrain.BlockUntil), exception.Message, StringComparison.Ordinal);
            Assert.Equal(TestSilo.IdOf(stuck), await silo.Probe.Signaled(WorkerGrain.Entered).WithTimeout());
            Assert.Equal(3, await TestWait.RetryOnTimeoutAsync(other.GetValue));
        }
        finally
        {
            // Lets the stuck request finish so that stopping the host does not wait for it.
            silo.Probe.Open("never-before-the-end-of-the-test");
        }
    }
}
