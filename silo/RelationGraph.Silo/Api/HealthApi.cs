using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RelationGraph.Silo.Api;

/// <summary><c>GET /health</c> (and HEAD): 200 <c>Healthy</c> when every shard answers, else 503 problem+json. Open to every caller.</summary>
public static class HealthApi
{
    /// <summary>Maps <c>/health</c> to GET (HEAD answers like GET); other methods get 405.</summary>
    public static IEndpointRouteBuilder MapRelationGraphHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", async (HealthCheckService health, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckHealthAsync(cancellationToken);
            return report.Status == HealthStatus.Healthy
                ? Results.Text("Healthy")
                : Results.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Unhealthy",
                    detail: string.Join("; ", report.Entries.Select(e => e.Value.Description ?? e.Key)));
        });
        return endpoints;
    }
}
