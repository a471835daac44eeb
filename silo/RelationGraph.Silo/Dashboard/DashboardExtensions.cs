using System.Reflection;
using Orleans.Runtime;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Streams;

namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// RelationGraph's own dashboard page at <c>/dashboard/relationgraph</c>, beside the Orleans Dashboard: static files
/// embedded in the silo (no CDN) and JSON under <c>/dashboard/relationgraph/api/</c>, one endpoint per <see cref="IDashboardSection"/>.
/// </summary>
public static class DashboardExtensions
{
    /// <summary>The page's path.</summary>
    public const string PagePath = "/dashboard/relationgraph";

    private static readonly Dictionary<string, string> StaticFiles = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
    };

    /// <summary>Adds the dashboard's options (<c>RelationGraph:Dashboard</c>), its metrics reader and its sections.</summary>
    public static IHostApplicationBuilder AddRelationGraphDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>()
            .Bind(builder.Configuration.GetSection(DashboardOptions.SectionName))
            .Validate(o => o.ChartPoints is >= 2 and <= 3_600, "RelationGraph:Dashboard:ChartPoints must be between 2 and 3600.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DashboardMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DashboardMetrics>());
        builder.Services.AddDashboardSection<SilosSection>();
        builder.Services.AddDashboardSection<ShardsSection>();
        builder.Services.AddDashboardSection<RedundancySection>();
        builder.Services.AddDashboardSection<ConsistencySection>();
        builder.Services.AddDashboardSection<ProtectionsSection>();
        return builder;
    }

    /// <summary>Adds a section to the page.</summary>
    public static IServiceCollection AddDashboardSection<TSection>(this IServiceCollection services)
        where TSection : class, IDashboardSection =>
        services.AddSingleton<IDashboardSection, TSection>();

    /// <summary>
    /// Requires <see cref="DashboardOptions.BearerToken"/>, when set, for everything under <c>/dashboard</c>, and links the
    /// Orleans Dashboard's page to RelationGraph's (<see cref="DashboardLink"/>).
    /// </summary>
    public static IApplicationBuilder UseRelationGraphDashboard(this IApplicationBuilder app) =>
        app.UseMiddleware<DashboardAccess>().UseMiddleware<DashboardLink>();

    /// <summary>Maps the page, its static files and its JSON API.</summary>
    public static IEndpointRouteBuilder MapRelationGraphDashboard(this IEndpointRouteBuilder endpoints)
    {
        var page = endpoints.MapGroup(PagePath).ExcludeFromDescription();
        page.MapGet("", () => Embedded("index.html"));
        page.MapGet("/{file}", (string file) => StaticFiles.ContainsKey(file) ? Embedded(file) : Results.NotFound());

        var api = page.MapGroup("/api");
        api.MapGet("/sections", (IEnumerable<IDashboardSection> sections) => sections.OrderBy(s => s.Order).Select(s => s.Id));
        api.MapGet("/sections/{id}", async (string id, IEnumerable<IDashboardSection> sections, CancellationToken cancellationToken) =>
            sections.FirstOrDefault(s => s.Id == id) is { } section ? Results.Ok(await section.ReadAsync(cancellationToken)) : Results.NotFound());
        api.MapGet("/users/{userId}", LookUpAsync);
        api.MapPost("/dead-letters/replay", async (ShardSet shards, CancellationToken cancellationToken) =>
            new { Replayed = await OutboxDeadLetters.ReplayAsync(shards, cancellationToken) });
        return endpoints;
    }

    private static async Task<UserLookup> LookUpAsync(UserId userId, IGrainFactory grains, FanBucketMap fanBuckets)
    {
        var following = grains.GetGrain<IFollowingGrain>(userId.Value);
        var fans = grains.GetGrain<IFanGrain>(userId.Value);
        var management = grains.GetGrain<IManagementGrain>(0);
        // Where each grain is active before the lookup's own calls activate it.
        var followingSilo = await management.GetActivationAddress(following);
        var fanSilo = await management.GetActivationAddress(fans);
        var page = new PageRequest(10);
        return new UserLookup(
            userId,
            followingSilo?.ToString(),
            fanSilo?.ToString(),
            await following.GetFollowingCountAsync(),
            await fans.GetFanCountAsync(),
            (await following.GetFollowingAsync(page)).Items,
            (await fans.GetFansAsync(page)).Items,
            fanBuckets.TryGetBuckets(userId, out var buckets) ? buckets : null);
    }

    private static IResult Embedded(string file)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"RelationGraph.Silo.Dashboard.wwwroot.{file}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, StaticFiles[file]);
    }
}
