using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using RelationGraph.Client;
using RelationGraph.Grains;
using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;

namespace RelationGraph.Benchmarks;

/// <summary>
/// A full RelationGraph silo (storage on the meta database's shards, grains, follow streams, Orleans' ADO.NET clustering
/// and reminders on the meta database) hosted in the benchmark process: <see cref="RelationGraphSiloBuilderExtensions.AddRelationGraph"/>,
/// the configuration the silo host uses (TLS with the run's development cluster certificate included), on 127.0.0.1,
/// without the host's REST API and dashboard.
/// </summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessSilo(IHost host, ServiceEndpoint endpoint)
    {
        _host = host;
        Endpoint = endpoint;
    }

    public IServiceProvider Services => _host.Services;

    public ServiceEndpoint Endpoint { get; }

    /// <summary>The redundancy mode the silo runs (<c>RelationGraph:Redundancy</c>, Stream unless configured otherwise).</summary>
    public Redundancy Redundancy => Services.GetRequiredService<IOptions<RedundancyOptions>>().Value.Redundancy;

    /// <summary>
    /// Starts a silo on free ports, its cluster certificate kept in <paramref name="dataDirectory"/>. Its configuration is the
    /// environment's <c>RelationGraph__*</c> variables (say <c>RelationGraph__Redundancy=Sync</c>), then the meta database,
    /// then <paramref name="settings"/>, further <c>RelationGraph:</c> keys that win over both (say <c>Redundancy</c>).
    /// </summary>
    public static async Task<InProcessSilo> StartAsync(
        string metaConnectionString, string dataDirectory, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        var ports = LoopbackPorts.Take(2);
        // Created here first, so the silo loads the very certificate the client pins.
        var certificate = ServiceEndpoint.TlsConfigured ? DevelopmentClusterCertificate.LoadOrCreate(dataDirectory) : null;
        var endpoint = new ServiceEndpoint(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{ports[1]}"), ServiceEndpoint.NewClusterId("silo"), certificate);

        // No appsettings.json (the silo's is copied next to us): only what is set here. The silo's warnings go to standard
        // error, one line each, so that a stall in a run comes with its cause.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var configuration = FromEnvironment();
        configuration["RelationGraph:ConnectionString"] = metaConnectionString;
        configuration["RelationGraph:DataDirectory"] = Path.GetFullPath(dataDirectory);
        configuration["RelationGraph:ClusterCertificatePath"] = Path.GetFullPath(Path.Combine(dataDirectory, DevelopmentClusterCertificate.FileName));
        configuration[RelationGraphTestClusterBuilderExtensions.RateLimitsEnabled] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[$"RelationGraph:{key}"] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.UseOrleans(silo => silo
            .AddRelationGraph(builder.Configuration)
            .ConfigureEndpoints(IPAddress.Loopback, ports[0], ports[1], listenOnAnyHostAddress: false)
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = endpoint.ClusterId;
                o.ServiceId = ServiceEndpoint.ServiceId;
            }));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            certificate?.Dispose();
            throw;
        }

        return new InProcessSilo(host, endpoint);
    }

    /// <summary>The environment's <c>RelationGraph__*</c> variables as configuration keys, as the silo host would read them.</summary>
    private static Dictionary<string, string?> FromEnvironment()
    {
        const string Prefix = "RelationGraph__";
        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                configuration[name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = variable.Value as string;
            }
        }

        return configuration;
    }

    /// <summary>A client SDK connection through this silo's gateway.</summary>
    public Task<RelationGraphClient> ConnectAsync(CancellationToken cancellationToken) => Endpoint.ConnectAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        finally
        {
            _host.Dispose();
            Endpoint.Certificate?.Dispose();
        }
    }
}
