using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RelationGraph.Grains;
using RelationGraph.Grains.Audit;
using RelationGraph.Grains.Deletion;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Silo.Observability;

/// <summary>
/// OpenTelemetry for the silo: RelationGraph's, Orleans', Npgsql's, ASP.NET Core's and the runtime's meters on a Prometheus
/// endpoint, and traces of RelationGraph, Orleans and Npgsql sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The service name reported with metrics and traces.</summary>
    public const string ServiceName = "relationgraph-silo";

    /// <summary>Orleans' meter (grain calls, activations, messaging, streams).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: grain calls made by code, and the runtime's own.</summary>
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <summary>
    /// Tag combinations kept per metric. The SDK's default of 2,000 preallocates about 144 KB per metric on the large object
    /// heap, some 40 MB for the silo's ~280 metrics, which a memory-bounded silo needs for activations; no metric here
    /// has more than a few dozen (grain types, shards, routes).
    /// </summary>
    public const int CardinalityLimit = 200;

    /// <summary>
    /// Histogram buckets for instruments in milliseconds: from a fraction of a round trip on loopback to a minute of stream lag.
    /// </summary>
    public static readonly double[] MillisecondBuckets = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

    /// <summary>
    /// Adds OpenTelemetry metrics (always, so the dashboard and tests can read them; served at <see cref="MetricsOptions.Path"/>
    /// when <see cref="MetricsOptions.Enabled"/>) and tracing (exported only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).
    /// </summary>
    public static IHostApplicationBuilder AddRelationGraphTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.SectionName))
            .Validate(o => o.Path.StartsWith('/'), "RelationGraph:Metrics:Path must start with '/'.")
            .ValidateOnStart();
        var metricsEnabled = builder.Configuration.GetSection(MetricsOptions.SectionName).GetValue(nameof(MetricsOptions.Enabled), true);
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(ServiceName));
        if (otlp)
        {
            // Only with somewhere to send them: without a listener no span is even created (and in Cdc mode no follow
            // announces its trace context in the replication log).
            telemetry.WithTracing(tracing => tracing
                .AddSource(RelationGraphTracing.SourceName)
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(FanMetrics.MeterName, ListCacheBudget.MeterName, StreamMetrics.MeterName, EdgeMetrics.MeterName, RateLimitMetrics.MeterName, AuditMetrics.MeterName, DeletionMetrics.MeterName, OrleansMeter)
                .AddNpgsqlInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddView(instrument => instrument.Unit == "ms" && instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Histogram<>)
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = MillisecondBuckets, CardinalityLimit = CardinalityLimit }
                    : new MetricStreamConfiguration { CardinalityLimit = CardinalityLimit });
            if (metricsEnabled)
            {
                // Every scrape sees the current values (the exporter caches a response for 300 ms by default).
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            }

            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });

        return builder;
    }

    /// <summary>Maps the Prometheus scraping endpoint, when enabled.</summary>
    public static IEndpointRouteBuilder MapRelationGraphMetrics(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value;
        if (options.Enabled)
        {
            endpoints.MapPrometheusScrapingEndpoint(options.Path).ExcludeFromDescription();
        }

        return endpoints;
    }
}
