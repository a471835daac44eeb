using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;

namespace RelationGraph.Benchmarks;

/// <summary>The released silo as a child process (so its memory can be read alone from <c>/proc</c>), and how to reach it.</summary>
internal sealed record BenchmarkSilo(SiloProcess Process, ServiceEndpoint Endpoint) : IAsyncDisposable
{
    /// <summary>
    /// Starts the silo on <paramref name="meta"/> (4 shards, <paramref name="redundancy"/>) in a cluster of its own, with its
    /// data directory (and so its development cluster certificate) in <paramref name="dataDirectory"/>; answers once
    /// <c>/health</c> says 200. <paramref name="settings"/> and <paramref name="environment"/> go to <see cref="SiloProcess"/>.
    /// </summary>
    public static async Task<BenchmarkSilo> StartAsync(
        string meta, string dataDirectory, string redundancy, IReadOnlyDictionary<string, string?>? settings = null,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        // Created here first, so the silo loads the very certificate the client pins.
        var certificate = ServiceEndpoint.TlsConfigured ? DevelopmentClusterCertificate.LoadOrCreate(dataDirectory) : null;
        // A new cluster id: a silo killed in an earlier run on the same data directory may still be listed as active.
        var clusterId = ServiceEndpoint.NewClusterId("process");
        var configuration = new Dictionary<string, string?>
        {
            ["RelationGraph:DataDirectory"] = Path.GetFullPath(dataDirectory),
            ["RelationGraph:ClusterCertificatePath"] = Path.GetFullPath(Path.Combine(dataDirectory, DevelopmentClusterCertificate.FileName)),
            ["RelationGraph:Shards"] = "4",
            ["RelationGraph:Redundancy"] = redundancy,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var process = await SiloProcess.StartAsync(meta, clusterId, ServiceEndpoint.ServiceId, configuration, environment, cancellationToken);
        var silo = new BenchmarkSilo(process, new ServiceEndpoint(process.Gateway, clusterId, certificate));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{process.HttpPort}/health"), cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The silo started but /health answered {(int)response.StatusCode}:\n{process.RecentOutput}");
            }

            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silo's resident memory now.</summary>
    public SiloMemory Memory => SiloMemory.Read(Process.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Endpoint.Certificate?.Dispose();
    }
}
