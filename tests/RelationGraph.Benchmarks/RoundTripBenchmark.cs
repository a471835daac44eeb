using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Orleans grain-call round trips (client -> silo gateway -> grain -> client, no database) against 1 and 3 local silos,
/// over plain TCP and over the cluster's TLS, each run followed at once by its baseline: the same echo as an HTTP/1.1 GET
/// to a Kestrel endpoint over pooled keep-alive connections, which is how a service without the actor transport would
/// make the call.
/// </summary>
internal static class RoundTripBenchmark
{
    private const int Grains = 10_000;
    private const string Tcp = "tcp";
    private const string Tls = "tls";

    public static async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var duration = arguments.Seconds("duration", 3);
        var siloCounts = arguments.Ints("silos", [1, 3]);
        var concurrencies = arguments.Ints("concurrency", [1, 8, 64]);
        var transports = Transports(arguments.Text("tls") ?? "both");
        var output = arguments.Text("out");
        arguments.RejectUnknown();

        var directory = Directory.CreateTempSubdirectory("relationgraph-rpc-");
        var results = new List<RoundTripResult>();
        try
        {
            using var certificate = DevelopmentClusterCertificate.LoadOrCreate(directory.FullName);
            await using var baseline = await HttpEchoServer.StartAsync();
            foreach (var siloCount in siloCounts)
            {
                foreach (var transport in transports)
                {
                    Console.Error.WriteLine($"rpc: starting {siloCount} silo(s), {transport}");
                    await using var cluster = await EchoCluster.StartAsync(siloCount, transport == Tls ? certificate : null, cancellationToken);

                    // Every grain called once first, so the runs measure round trips to active grains over open connections, not activations.
                    await Parallel.ForAsync(0, Grains, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
                        async (key, _) => await cluster.Client.GetGrain<IEchoGrain>(key).EchoAsync(key));
                    foreach (var concurrency in concurrencies)
                    {
                        Console.Error.WriteLine($"rpc: {siloCount} silo(s), {transport}, {concurrency} caller(s): grain calls, then HTTP baseline, {duration.TotalSeconds:0.#} s each");
                        var grains = await LatencyRecorder.MeasureAsync("grain call", concurrency, duration,
                            key => cluster.Client.GetGrain<IEchoGrain>(key % Grains).EchoAsync(key), cancellationToken);
                        var http = await LatencyRecorder.MeasureAsync("http baseline", concurrency, duration, baseline.EchoAsync, cancellationToken);
                        results.Add(new RoundTripResult(siloCount, transport, grains, http));
                    }
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        Print(results);
        Console.WriteLine();
        Console.WriteLine($"grain calls: IEchoGrain.EchoAsync on {Grains:N0} grains, all activated before the runs, through an Orleans client; silos and client in this process, 127.0.0.1. " +
            "tcp: plain TCP; tls: Orleans' TLS with the development cluster certificate (mutual authentication, pinned).");
        Console.WriteLine("baseline: the same echo as HTTP/1.1 GET to Kestrel over pooled keep-alive connections (plain HTTP), measured right after each grain run.");
        await JsonLines.AppendAsync(output, "rpc", results.SelectMany(r => new[] { r.Grains, r.Baseline }.Select(m => (object)new { r.Silos, r.Transport, Measurement = m })), cancellationToken);
        return 0;
    }

    /// <summary><c>--tls off</c> (plain TCP only), <c>on</c> (TLS only) or <c>both</c> (plain, then TLS, per silo count).</summary>
    private static string[] Transports(string tls) => tls switch
    {
        "off" => [Tcp],
        "on" => [Tls],
        "both" => [Tcp, Tls],
        _ => throw new UsageException($"--tls '{tls}': expected off, on or both."),
    };

    private static void Print(List<RoundTripResult> results)
    {
        var table = new MarkdownTable(1, "transport", "silos", "callers", "grain calls/s", "p50 ms", "p99 ms", "HTTP calls/s", "p50 ms", "p99 ms", "throughput ratio");
        foreach (var (silos, transport, grains, http) in results)
        {
            table.Add(
                transport, silos.ToString(CultureInfo.InvariantCulture), grains.Concurrency.ToString(CultureInfo.InvariantCulture),
                MarkdownTable.Rate(grains.CallsPerSecond), MarkdownTable.Milliseconds(grains.P50Milliseconds), MarkdownTable.Milliseconds(grains.P99Milliseconds),
                MarkdownTable.Rate(http.CallsPerSecond), MarkdownTable.Milliseconds(http.P50Milliseconds), MarkdownTable.Milliseconds(http.P99Milliseconds),
                MarkdownTable.Ratio(grains.CallsPerSecond / http.CallsPerSecond));
        }

        table.Print();
    }

    private sealed record RoundTripResult(int Silos, string Transport, Measurement Grains, Measurement Baseline);

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
