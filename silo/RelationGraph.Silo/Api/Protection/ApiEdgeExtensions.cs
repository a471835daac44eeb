using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// The REST API's edge, in front of every endpoint: canonical paths, HEAD as GET, strict paging parameters, API keys,
/// per-key rate limits and body limits.
/// </summary>
public static class ApiEdgeExtensions
{
    /// <summary>Registers the edge: <see cref="ApiOptions"/> (validated at start), the key ring and the per-key rate limiter.</summary>
    public static IHostApplicationBuilder AddRelationGraphApiEdge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .Validate(o => o.Keys.Values.All(k => k.Hash.Length == 64 && k.Hash.All(char.IsAsciiHexDigit)),
                "RelationGraph:Api:Keys:<name>:Hash must be the key's SHA-256 as 64 hex digits (relgraph api-key --new prints one).")
            .Validate(o => o.Keys.Values.All(k => k.Scopes.Count > 0 && k.Scopes.All(ApiScopes.All.Contains)),
                "RelationGraph:Api:Keys:<name>:Scopes must list one or more of read, write, admin.")
            .Validate(o => o.MaxBodyBytes is >= 1024 and <= 64 * 1024 * 1024, "RelationGraph:Api:MaxBodyBytes must be between 1 KiB and 64 MiB.")
            .Validate(o => o.RequestsPerSecond >= 0 && o.Burst is null or >= 1, "RelationGraph:Api:RequestsPerSecond must not be negative, Burst at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddHostedService<ApiKeyRingStartup>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var settings = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
                var caller = context.User.Identity?.Name;
                return caller is null || settings.RequestsPerSecond == 0
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = settings.Burst ?? settings.RequestsPerSecond * 2,
                        TokensPerPeriod = settings.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            limiter.OnRejected = async (rejected, _) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await ApiProblem.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"The API key '{rejected.HttpContext.User.Identity?.Name}' made more requests than RelationGraph:Api:RequestsPerSecond allows; retry later.");
            };
        });
        return builder;
    }

    /// <summary>
    /// Puts the edge in front of routing and the endpoints: canonical paths and HEAD before routing (they change what
    /// routes), then routing, then API keys, the rate limiter (per key) and body limits.
    /// </summary>
    public static WebApplication UseRelationGraphApiEdge(this WebApplication app)
    {
        app.UseMiddleware<CanonicalPathMiddleware>();
        app.UseMiddleware<HeadAsGetMiddleware>();
        app.UseMiddleware<StrictQueryMiddleware>();
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<BodyLimitMiddleware>();
        return app;
    }

    /// <summary>Loads the keys (and writes the development key file) when the host starts, so its path is logged at once.</summary>
    private sealed class ApiKeyRingStartup(ApiKeyRing ring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(ring);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
