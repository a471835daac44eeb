using System.Net;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Observability;

/// <summary><c>/metrics</c>: Prometheus text through OpenTelemetry, with RelationGraph's, Orleans', Npgsql's, ASP.NET Core's and the runtime's meters.</summary>
/// <remarks>Against a silo process: meters are process-wide, and other hosts of the test run must not show in its figures.</remarks>
public sealed class MetricsEndpointTests(SiloProcessFixture silo) : IClassFixture<SiloProcessFixture>
{
    [Fact]
    public async Task Metrics_parse_as_Prometheus_text_and_the_write_counters_move_with_traffic()
    {
        var before = await ScrapeAsync(silo.Client);
        var star = silo.NewUser();
        for (var i = 0; i < 5; i++)
        {
            await silo.Client.FollowAsync(silo.NewUser(), star);
        }

        var after = await ScrapeAsync(silo.Client);

        Assert.Equal("counter", after.Types["relationgraph_edges_writes_total"]);
        Assert.Equal(5, after.Sum("relationgraph_edges_writes_total", ("direction", "following"), ("changed", "true"))
            - before.Sum("relationgraph_edges_writes_total", ("direction", "following"), ("changed", "true")));
        Assert.Equal(5, after.Sum("relationgraph_edges_writes_total", ("direction", "fans"), ("changed", "true"))
            - before.Sum("relationgraph_edges_writes_total", ("direction", "fans"), ("changed", "true")));
        // Ten edge writes (five following rows, five fan rows), however the group commits batched them.
        Assert.Equal(10, after.Sum("relationgraph_edges_commit_batch_size_sum") - before.Sum("relationgraph_edges_commit_batch_size_sum"));
        // Sync mode lands each fan row before the answer: five more landings, in millisecond buckets.
        Assert.Equal(5, after.Sum("relationgraph_fans_landing_lag_milliseconds_count") - before.Sum("relationgraph_fans_landing_lag_milliseconds_count"));
        Assert.Contains(after.Samples, s => s.Name == "relationgraph_fans_landing_lag_milliseconds_bucket" && s.Labels["le"] == "250");
        // ASP.NET Core records a request once its response is sent, so the last follow may show only in a later scrape.
        var route = ("http_route", "/v1/users/{userId}/following/{targetId}");
        await Eventually.ValueAsync(
            _ => ScrapeAsync(silo.Client),
            now => now.Sum("http_server_request_duration_seconds_count", route) >= before.Sum("http_server_request_duration_seconds_count", route) + 5,
            TimeSpan.FromSeconds(10),
            "five more follow requests in http_server_request_duration_seconds",
            TestContext.Current.CancellationToken);
        Assert.Contains(after.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(after.Samples, s => s.Name.StartsWith("db_client_", StringComparison.Ordinal));
        Assert.Contains(after.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deletion_moves_the_deletion_counters_and_the_list_cache_gauge_is_exported()
    {
        var (user, fan, followed) = (silo.NewUser(), silo.NewUser(), silo.NewUser());
        await silo.Client.FollowAsync(fan, user);
        await silo.Client.FollowAsync(user, followed);
        await silo.Client.FollowingAsync(followed);
        var before = await ScrapeAsync(silo.Client);

        using (var started = await silo.Client.DeleteAsync($"/v1/users/{user}", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }

        var after = await Eventually.ValueAsync(
            _ => ScrapeAsync(silo.Client),
            now => now.Sum("relationgraph_deletion_finished_total") > before.Sum("relationgraph_deletion_finished_total"),
            TimeSpan.FromSeconds(30),
            "the deletion to finish",
            TestContext.Current.CancellationToken);

        // The user's rows: the following row, and the fan row of the follower.
        Assert.Equal(2, after.Sum("relationgraph_deletion_rows_removed_total") - before.Sum("relationgraph_deletion_rows_removed_total"));
        Assert.Equal(1, after.Sum("relationgraph_deletion_finished_total") - before.Sum("relationgraph_deletion_finished_total"));
        Assert.Equal("gauge", after.Types["relationgraph_list_cache_bytes"]);
    }

    internal static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
