using System.Security.Cryptography.X509Certificates;
using RelationGraph.Client;

namespace RelationGraph.Benchmarks;

/// <summary>How a benchmark reaches the service's silo: its gateway, cluster id and the cluster certificate it requires (TLS).</summary>
/// <param name="Gateway">The gateway as <c>127.0.0.1:port</c>.</param>
/// <param name="ClusterId">A cluster id of this run's own, so a silo left in the membership table by an earlier run on the same database is not joined.</param>
/// <param name="Certificate">
/// The cluster certificate (the development one, generated into the run's data directory), which the client presents and
/// pins; null when the silo runs without TLS (<c>RelationGraph__UseTls=false</c> in the environment).
/// </param>
internal sealed record ServiceEndpoint(string Gateway, string ClusterId, X509Certificate2? Certificate)
{
    /// <summary>The service id of every benchmark silo (reminders and grain state are kept per service).</summary>
    public const string ServiceId = "relationgraph-bench";

    /// <summary>A new cluster id, unique to this run.</summary>
    public static string NewClusterId(string kind) => $"bench-{kind}-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Whether the silo requires TLS: unless the environment says <c>RelationGraph__UseTls=false</c>, as the silo reads it.</summary>
    public static bool TlsConfigured =>
        !bool.TryParse(Environment.GetEnvironmentVariable("RelationGraph__UseTls"), out var useTls) || useTls;

    /// <summary>"TLS" or "plain TCP", for the scenarios' descriptions.</summary>
    public string Transport => Certificate is null ? "plain TCP" : "TLS";

    /// <summary>Connects the client SDK, over TLS with the cluster certificate as an application would (unless the silo runs without).</summary>
    public Task<RelationGraphClient> ConnectAsync(CancellationToken cancellationToken) =>
        RelationGraphClient.ConnectAsync(
            new RelationGraphClientOptions { Gateways = { Gateway }, ClusterId = ClusterId, ServiceId = ServiceId, UseTls = Certificate is not null, ClusterCertificate = Certificate },
            cancellationToken: cancellationToken);
}
