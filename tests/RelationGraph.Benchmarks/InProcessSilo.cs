using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RelationGraph.Actors.Runtime;
using RelationGraph.Client;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Benchmarks;

/// <summary>A full RelationGraph silo (storage on the meta database's shards, grains, streams) hosted in the benchmark process.</summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    public const string ClusterSecret = "benchmark";

    private readonly IHost _host;

    private InProcessSilo(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a silo on free ports; <paramref name="settings"/> are further <c>RelationGraph:</c> keys (say <c>Redundancy</c>).</summary>
    public static async Task<InProcessSilo> StartAsync(string metaConnectionString, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["RelationGraph:ConnectionString"] = metaConnectionString,
            ["RelationGraph:ClusterSecret"] = ClusterSecret,
            ["RelationGraph:SiloPort"] = "0",
            ["RelationGraph:GatewayPort"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[$"RelationGraph:{key}"] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddRelationGraphStorage();
        builder.AddRelationGraphSilo();
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new InProcessSilo(host);
    }

    /// <summary>A client SDK connection through this silo's gateway.</summary>
    public Task<RelationGraphClient> ConnectAsync(CancellationToken cancellationToken) =>
        RelationGraphClient.ConnectAsync(
            new RelationGraphClientOptions { Gateways = { $"127.0.0.1:{Services.GetRequiredService<LocalSiloDetails>().GatewayPort}" }, ClusterSecret = ClusterSecret },
            cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
