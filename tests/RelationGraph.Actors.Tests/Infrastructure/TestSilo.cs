using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.Tests.Infrastructure;

/// <summary>
/// A real generic host running one silo for one test: built with <see cref="Host.CreateApplicationBuilder()"/> and
/// <see cref="SiloServiceCollectionExtensions.AddSilo"/>, started on creation, stopped and disposed on dispose. Each
/// host has its own <see cref="GrainProbe"/>.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private int _stopped;

    private TestSilo(IHost host)
    {
        _host = host;
        GrainFactory = host.Services.GetRequiredService<IGrainFactory>();
        Catalog = host.Services.GetRequiredService<Catalog>();
        Probe = host.Services.GetRequiredService<GrainProbe>();
    }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The silo's grain factory.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The silo's catalog of activations.</summary>
    public Catalog Catalog { get; }

    /// <summary>What this host's grains reported.</summary>
    public GrainProbe Probe { get; }

    /// <summary>Builds and starts a host with a silo configured by <paramref name="configureSilo"/>.</summary>
    public static async Task<TestSilo> StartAsync(Action<ISiloBuilder> configureSilo, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TestWait.Timeout);
        builder.Services.AddSingleton<GrainProbe>();
        builder.Services.AddSilo(configureSilo);
        configureServices?.Invoke(builder.Services);

        var host = builder.Build();
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestSilo(host);
    }

    /// <summary>The id of the grain behind <paramref name="reference"/>.</summary>
    public static GrainId IdOf(IGrain reference) => ((GrainReference)(object)reference).GrainId;

    /// <summary>Stops the host: the silo deactivates every activation.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _host.StopAsync(CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }
    }
}
