using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using RelationGraph.Client;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Plain Orleans silos hosting <see cref="EchoGrain"/> (no database: development clustering, the first silo the primary)
/// and an Orleans client connected to all their gateways, in this process, on 127.0.0.1 over TCP, with or without the
/// cluster's TLS (<see cref="ClusterTls"/>: mutual authentication, one pinned certificate).
/// </summary>
internal sealed class EchoCluster : IAsyncDisposable
{
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(60);

    private readonly List<IHost> _silos;
    private readonly IHost _client;

    private EchoCluster(List<IHost> silos, IHost client)
    {
        _silos = silos;
        _client = client;
    }

    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts <paramref name="siloCount"/> silos one after another and a client, and waits until every silo is active.</summary>
    public static async Task<EchoCluster> StartAsync(int siloCount, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        var clusterId = $"rpc-{Guid.NewGuid():N}";
        var ports = LoopbackPorts.Take(2 * siloCount);
        var primary = new IPEndPoint(IPAddress.Loopback, ports[0]);
        var silos = new List<IHost>();
        try
        {
            for (var i = 0; i < siloCount; i++)
            {
                var (siloPort, gatewayPort) = (ports[2 * i], ports[(2 * i) + 1]);
                silos.Add(await StartHostAsync(
                    builder => builder.UseOrleans(silo =>
                    {
                        silo.UseLocalhostClustering(siloPort, gatewayPort, i == 0 ? null : primary, clusterId, clusterId);
                        if (certificate is not null)
                        {
                            silo.UseTls(certificate, options => ClusterTls.Configure(options, certificate));
                        }
                    }),
                    cancellationToken));
            }

            var gateways = Enumerable.Range(0, siloCount).Select(i => ports[(2 * i) + 1]).ToArray();
            var client = await StartHostAsync(
                builder => builder.UseOrleansClient(orleans =>
                {
                    orleans.UseLocalhostClustering(gateways, clusterId, clusterId);
                    if (certificate is not null)
                    {
                        orleans.UseTls(certificate, options => ClusterTls.Configure(options, certificate));
                    }
                }),
                cancellationToken);
            var cluster = new EchoCluster(silos, client);
            await cluster.WaitForSilosAsync(siloCount, cancellationToken);
            return cluster;
        }
        catch
        {
            await StopAllAsync(silos);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync([_client]);
        await StopAllAsync(_silos);
    }

    /// <summary>A host of its own for each silo and the client, with no configuration or logging but what is set here.</summary>
    private static async Task<IHost> StartHostAsync(Action<HostApplicationBuilder> configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Stops the hosts, the last started first (the primary silo last, so the others leave a live cluster).</summary>
    private static async Task StopAllAsync(List<IHost> hosts)
    {
        for (var i = hosts.Count - 1; i >= 0; i--)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await hosts[i].StopAsync(timeout.Token);
            hosts[i].Dispose();
        }
    }

    /// <summary>Awaits, in each silo's own membership view, <paramref name="siloCount"/> active silos: Orleans announces every change.</summary>
    private async Task WaitForSilosAsync(int siloCount, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FormTimeout);
        foreach (var silo in _silos)
        {
            await foreach (var view in silo.Services.GetRequiredService<IClusterMembershipService>().MembershipUpdates.WithCancellation(timeout.Token))
            {
                if (view.Members.Values.Count(m => m.Status == SiloStatus.Active) >= siloCount)
                {
                    break;
                }
            }
        }
    }
}
