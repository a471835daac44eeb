using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;
using RelationGraph.Client;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Testing;

/// <summary>
/// Several real silos in one process (like Orleans' TestCluster): each with its own silo and gateway ports,
/// all sharing one meta database and its shards. Silos can be added, stopped gracefully, killed (connections
/// dropped at once, no goodbye to the membership table) and restarted (same ports, new generation).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<TestSilo> _silos = [];
    private readonly Lock _lock = new();

    private TestCluster(TestClusterOptions options) => _options = options;

    /// <summary>The running silos.</summary>
    public IReadOnlyList<TestSilo> Silos
    {
        get
        {
            lock (_lock)
            {
                return _silos.ToList();
            }
        }
    }

    /// <summary>The gateway endpoints of the running silos.</summary>
    public IReadOnlyList<string> Gateways => Silos.Select(s => $"127.0.0.1:{s.GatewayPort}").ToList();

    /// <summary>Starts <see cref="TestClusterOptions.InitialSilosCount"/> silos and waits until they all see each other.</summary>
    public static async Task<TestCluster> StartAsync(TestClusterOptions options, CancellationToken cancellationToken = default)
    {
        var cluster = new TestCluster(options);
        try
        {
            // The first silo creates the shard map and schemas; the rest start together.
            await cluster.StartSiloAsync(cancellationToken);
            await Task.WhenAll(Enumerable.Range(1, options.InitialSilosCount - 1).Select(_ => cluster.StartSiloAsync(cancellationToken)));
            await cluster.WaitForStableMembershipAsync(cancellationToken: cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo on ports the system chooses.</summary>
    public Task<TestSilo> StartSiloAsync(CancellationToken cancellationToken = default) =>
        StartSiloAsync(0, 0, cancellationToken);

    /// <summary>Stops <paramref name="silo"/> gracefully: it leaves the membership and deactivates its grains.</summary>
    public async Task StopSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        Remove(silo);
        await silo.Host.StopAsync(cancellationToken);
        await DisposeHostAsync(silo.Host);
    }

    /// <summary>Kills <paramref name="silo"/>: its connections drop at once and it never updates the membership table; its peers must detect it.</summary>
    public async Task KillSiloAsync(TestSilo silo)
    {
        Remove(silo);
        silo.Services.GetRequiredService<SiloControl>().Kill();
        await silo.Host.StopAsync(CancellationToken.None);
        await DisposeHostAsync(silo.Host);
    }

    /// <summary>Stops <paramref name="silo"/> gracefully and starts a new incarnation on the same ports.</summary>
    public async Task<TestSilo> RestartSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        await StopSiloAsync(silo, cancellationToken);
        return await StartSiloAsync(silo.SiloPort, silo.GatewayPort, cancellationToken);
    }

    /// <summary>A client connected to the running silos' gateways.</summary>
    public Task<RelationGraphClient> ConnectClientAsync(Action<RelationGraphClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new RelationGraphClientOptions { ClusterId = _options.ClusterId, ClusterSecret = _options.ClusterSecret };
        foreach (var gateway in Gateways)
        {
            options.Gateways.Add(gateway);
        }

        configure?.Invoke(options);
        return RelationGraphClient.ConnectAsync(options, cancellationToken: cancellationToken);
    }

    /// <summary>Waits until every running silo's view lists exactly the running silos as active.</summary>
    public async Task WaitForStableMembershipAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        var silos = Silos;
        var expected = silos.Select(s => s.Address).OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList();
        try
        {
            await Task.WhenAll(silos.Select(s => s.Services.GetRequiredService<MembershipView>().WaitForAsync(v => v.ActiveSilos.SequenceEqual(expected), deadline.Token)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Membership did not settle: expected {string.Join(", ", expected)}; views: " +
                string.Join(" | ", silos.Select(s => $"{s}: {string.Join(", ", s.View.ActiveSilos)}")));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos.AsEnumerable().Reverse())
        {
            try
            {
                await StopSiloAsync(silo);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                // Already stopping; dispose the rest regardless.
            }
        }
    }

    private async Task<TestSilo> StartSiloAsync(int siloPort, int gatewayPort, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("RELATIONGRAPH_TEST_LOGS") is "1")
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RelationGraph:ConnectionString"] = _options.MetaConnectionString,
            ["RelationGraph:ClusterId"] = _options.ClusterId,
            ["RelationGraph:ClusterSecret"] = _options.ClusterSecret,
            ["RelationGraph:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RelationGraph:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RelationGraph:ProbeTimeout"] = "00:00:00.200",
            ["RelationGraph:NumMissedProbesLimit"] = "3",
            ["RelationGraph:TableRefreshTimeout"] = "00:00:00.200",
            ["RelationGraph:IAmAlivePeriod"] = "00:00:01",
            ["RelationGraph:OpenConnectionTimeout"] = "00:00:02",
            ["RelationGraph:ResponseTimeout"] = "00:00:10",
        });
        builder.Configuration.AddInMemoryCollection(_options.Settings);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.AddRelationGraphStorage();
        builder.AddRelationGraphSilo();
        _options.ConfigureServices?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            await DisposeHostAsync(host);
            throw;
        }

        var silo = new TestSilo(host);
        lock (_lock)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    private void Remove(TestSilo silo)
    {
        lock (_lock)
        {
            _silos.Remove(silo);
        }
    }

    private static async Task DisposeHostAsync(IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
