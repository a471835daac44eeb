using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RelationGraph.Actors;
using RelationGraph.Actors.Client;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.PostgreSql;
using RelationGraph.EmbeddedPostgres;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Grain-call round trips (client -> silo -> grain -> client, no database) against 1 and 3 local silos, each run
/// followed at once by its baseline: the same echo as an HTTP/1.1 GET to a Kestrel endpoint over pooled
/// keep-alive connections, which is how a service without the actor transport would make the call.
/// </summary>
internal static class RoundTripBenchmark
{
    private const string Secret = "benchmark-secret";

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var duration = arguments.Seconds("duration", 3);
        var siloCounts = arguments.Ints("silos", [1, 3]);
        var concurrencies = arguments.Ints("concurrency", [1, 8, 64]);
        var output = arguments.Text("out");
        arguments.RejectUnknown();

        var directory = Directory.CreateTempSubdirectory("relationgraph-bench-");
        await using var postgres = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = directory.FullName, Ephemeral = true }, cancellationToken: cancellationToken);
        await using var baseline = await HttpEchoServer.StartAsync();
        var results = new List<(int Silos, Measurement Actor, Measurement Baseline)>();
        try
        {
            foreach (var siloCount in siloCounts)
            {
                var clusterId = $"bench{siloCount}";
                var meta = await postgres.CreateDatabaseAsync($"bench_rpc_{siloCount}", cancellationToken);
                var silos = new List<IHost>();
                for (var i = 0; i < siloCount; i++)
                {
                    silos.Add(await StartSiloAsync(meta, clusterId));
                }

                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                {
                    await Task.WhenAll(silos.Select(s => s.Services.GetRequiredService<MembershipView>().WaitForAsync(v => v.ActiveSilos.Count == siloCount, timeout.Token)));
                }

                await using var client = new ClusterClient(ClientOptions(silos, clusterId));
                await client.ConnectAsync(cancellationToken);
                foreach (var concurrency in concurrencies)
                {
                    Console.Error.WriteLine($"rpc: {siloCount} silo(s), {concurrency} caller(s): grain calls, then HTTP baseline, {duration.TotalSeconds:0.#} s each");
                    var actor = await LatencyRecorder.MeasureAsync("grain call", concurrency, duration,
                        key => client.GrainFactory.GetGrain<IEchoGrain>(key % 10_000).EchoAsync(key), cancellationToken);
                    var http = await LatencyRecorder.MeasureAsync("http baseline", concurrency, duration,
                        key => baseline.EchoAsync(key), cancellationToken);
                    results.Add((siloCount, actor, http));
                }

                foreach (var silo in silos)
                {
                    await silo.StopAsync(CancellationToken.None);
                    silo.Dispose();
                }
            }
        }
        finally
        {
            await postgres.StopAsync(CancellationToken.None);
            directory.Delete(recursive: true);
        }

        Print(results);
        await JsonLines.AppendAsync(output, "rpc", results.SelectMany(r => new[] { r.Actor, r.Baseline }.Select(m => (object)new { r.Silos, Measurement = m })), cancellationToken);

        return 0;
    }

    private static async Task<IHost> StartSiloAsync(string meta, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSilo(silo => silo
            .AddGrain<EchoGrain>()
            .UsePostgresClustering(o => o.ConnectionString = meta));
        builder.Services.Configure<SiloOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ClusterSecret = Secret;
            o.SiloPort = 0;
            o.GatewayPort = 0;
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static ClusterClientOptions ClientOptions(List<IHost> silos, string clusterId)
    {
        var options = new ClusterClientOptions { ClusterId = clusterId, ClusterSecret = Secret };
        foreach (var silo in silos)
        {
            var local = silo.Services.GetRequiredService<Actors.Runtime.LocalSiloDetails>();
            options.Gateways.Add(new IPEndPoint(IPAddress.Loopback, local.GatewayPort));
        }

        return options;
    }

    private static void Print(List<(int Silos, Measurement Actor, Measurement Baseline)> results)
    {
        var table = new MarkdownTable(0, "silos", "callers", "grain calls/s", "p50 ms", "p99 ms", "HTTP calls/s", "p50 ms", "p99 ms", "throughput ratio");
        foreach (var (silos, actor, http) in results)
        {
            table.Add(
                silos.ToString(CultureInfo.InvariantCulture), actor.Concurrency.ToString(CultureInfo.InvariantCulture),
                MarkdownTable.Rate(actor.CallsPerSecond), MarkdownTable.Milliseconds(actor.P50Milliseconds), MarkdownTable.Milliseconds(actor.P99Milliseconds),
                MarkdownTable.Rate(http.CallsPerSecond), MarkdownTable.Milliseconds(http.P50Milliseconds), MarkdownTable.Milliseconds(http.P99Milliseconds),
                MarkdownTable.Ratio(actor.CallsPerSecond / http.CallsPerSecond));
        }

        table.Print();
    }

    /// <summary>The baseline: a Kestrel endpoint answering <c>GET /echo/{value}</c>, called with a pooled HttpClient.</summary>
    private sealed class HttpEchoServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;

        private HttpEchoServer(WebApplication app, Uri address)
        {
            _app = app;
            _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = address };
        }

        public static async Task<HttpEchoServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/echo/{value:long}", (long value) => Results.Text(value.ToString(CultureInfo.InvariantCulture)));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new HttpEchoServer(app, new Uri(address));
        }

        public async Task EchoAsync(long value) => _ = await _client.GetStringAsync(string.Create(CultureInfo.InvariantCulture, $"/echo/{value}"));

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.DisposeAsync();
        }
    }
}
