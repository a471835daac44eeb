using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Observability;

/// <summary>The RelationGraph dashboard's page and JSON API, open in development and behind a bearer token when one is configured.</summary>
public sealed class DashboardApiTests(SiloFixture silo, PostgresFixture postgres) : IClassFixture<SiloFixture>
{
    private const string Api = "/dashboard/relationgraph/api";

    [Fact]
    public async Task The_page_and_its_scripts_are_served_from_the_silo()
    {
        var page = await GetStringAsync(silo.Client, "/dashboard/relationgraph");
        var script = await GetStringAsync(silo.Client, "/dashboard/relationgraph/dashboard.js");

        Assert.Contains("/dashboard/relationgraph/dashboard.js", page, StringComparison.Ordinal);
        // Nothing is loaded from another host (the SVG namespace URI is a name, not a fetch).
        Assert.DoesNotMatch("(src|href)=\"https?:", page);
        Assert.DoesNotMatch("fetch\\(\"https?:|import .*https?:", script);
    }

    [Fact]
    public async Task Every_section_answers_with_its_view_and_the_consistency_section_shows_an_audit_run()
    {
        var ids = JsonSerializer.Deserialize<string[]>(await GetStringAsync(silo.Client, $"{Api}/sections"))!;
        Assert.Equal(["silos", "shards", "redundancy", "consistency", "protections"], ids);

        foreach (var id in ids)
        {
            using var view = JsonDocument.Parse(await GetStringAsync(silo.Client, $"{Api}/sections/{id}"));
            Assert.Equal(id, view.RootElement.GetProperty("id").GetString());
        }

        using var started = await silo.Client.PostAsJsonAsync("/v1/audit/runs", new { kind = "incremental" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        using var run = JsonDocument.Parse(await started.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var runId = run.RootElement.GetProperty("runId").GetString();

        using var consistency = JsonDocument.Parse(await GetStringAsync(silo.Client, $"{Api}/sections/consistency"));
        var runs = consistency.RootElement.GetProperty("tables")[0];
        Assert.Equal("latest audit runs", runs.GetProperty("name").GetString());
        Assert.Contains(runs.GetProperty("rows").EnumerateArray(), row => row[0].GetString() == runId);
        Assert.Equal(4, consistency.RootElement.GetProperty("tables")[1].GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task The_shards_section_counts_the_rows_a_follow_writes()
    {
        var before = await ShardRowsAsync();
        await silo.Client.FollowAsync(silo.NewUser(), silo.NewUser());

        var after = await ShardRowsAsync();

        Assert.Equal(before.Following + 1, after.Following);
        Assert.Equal(before.Fans + 1, after.Fans);
    }

    [Fact]
    public async Task Looking_up_a_user_shows_its_grains_counts_and_latest_edges()
    {
        var (user, first, second) = (silo.NewUser(), silo.NewUser(), silo.NewUser());
        await silo.Client.FollowAsync(user, first);
        await silo.Client.FollowAsync(user, second);
        await silo.Client.FollowAsync(first, user);

        using var lookup = JsonDocument.Parse(await GetStringAsync(silo.Client, $"{Api}/users/{user}"));

        var root = lookup.RootElement;
        Assert.Equal(2, root.GetProperty("following").GetInt64());
        Assert.Equal(1, root.GetProperty("fans").GetInt64());
        Assert.Equal([second.Value, first.Value], root.GetProperty("latestFollowing").EnumerateArray().Select(e => e.GetProperty("userId").GetInt64()));
        Assert.Equal([first.Value], root.GetProperty("latestFans").EnumerateArray().Select(e => e.GetProperty("userId").GetInt64()));
        // The follows activated both grains on the one silo.
        Assert.StartsWith("S127.0.0.1:", root.GetProperty("followingGrainSilo").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("S127.0.0.1:", root.GetProperty("fanGrainSilo").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("fanBuckets").ValueKind);

        // A celebrity shows the buckets that write its fan copies.
        await silo.Factory.Services.GetRequiredService<FanBucketMap>().AddAsync(user, 8, TestContext.Current.CancellationToken);
        using var celebrity = JsonDocument.Parse(await GetStringAsync(silo.Client, $"{Api}/users/{user}"));
        Assert.Equal(8, celebrity.RootElement.GetProperty("fanBuckets").GetInt32());
    }

    [Fact]
    public async Task A_counts_read_activates_none_of_the_users_grains()
    {
        var (user, fan) = (silo.NewUser(), silo.NewUser());
        var store = silo.Factory.Services.GetRequiredService<EdgeStore>();
        await store.ApplyAsync(EdgeDirection.Fans, user, fan, EdgeState.Active, DateTimeOffset.UtcNow, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, (await silo.Client.CountsAsync(user)).Fans);
        using var lookup = JsonDocument.Parse(await GetStringAsync(silo.Client, $"{Api}/users/{user}"));

        Assert.Equal(JsonValueKind.Null, lookup.RootElement.GetProperty("followingGrainSilo").ValueKind);
        Assert.Equal(JsonValueKind.Null, lookup.RootElement.GetProperty("fanGrainSilo").ValueKind);
    }

    [Fact]
    public async Task The_replay_button_moves_dead_letters_back_into_their_queue()
    {
        var shard = silo.Factory.Services.GetRequiredService<ShardSet>().All[0];
        var key = silo.NewUser().Value;
        await shard.ExecuteAsync(
            "INSERT INTO stream_dead_letters (queue, sequence, namespace, stream_key, payload, created_at, attempts, error) VALUES (0, $1, 'follows', $1, '\\x00', now(), 3, 'test')",
            TestContext.Current.CancellationToken, key);

        using var response = await silo.Client.PostAsync($"{Api}/dead-letters/replay", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(body.RootElement.GetProperty("replayed").GetInt64() >= 1);
        Assert.Equal(0, await shard.DeadLettersAsync(new UserId(key), TestContext.Current.CancellationToken));
        // Sync mode runs no outbox receivers, so the replayed row waits in its queue.
        Assert.Equal(1, await shard.WaitingAsync(new UserId(key), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task With_a_token_configured_a_missing_or_wrong_token_gets_401_and_the_right_one_passes()
    {
        await using var factory = new SiloFactory(postgres.NewDatabase("dashtoken"), new Dictionary<string, string?> { ["RelationGraph:Dashboard:BearerToken"] = "s3cret" });
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        // Test clients send the API key by default; a browser on the dashboard sends only the dashboard's token.
        client.DefaultRequestHeaders.Authorization = null;

        foreach (var path in new[] { $"{Api}/sections", "/dashboard/relationgraph", "/dashboard/" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, path, null));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, path, "wrong"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, path, "s3cret"));
        }

        // The API outside the dashboard needs no token.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/openapi/v1.json", null));
        // A browser passes it once in the query; the cookie it gets carries it from then on.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/dashboard/relationgraph?token=s3cret", null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, $"{Api}/sections", null));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task<(long Following, long Fans)> ShardRowsAsync()
    {
        using var view = JsonDocument.Parse(await GetStringAsync(silo.Client, $"{Api}/sections/shards"));
        var rows = view.RootElement.GetProperty("tables")[0].GetProperty("rows").EnumerateArray().ToList();
        return (rows.Sum(r => r[3].GetInt64()), rows.Sum(r => r[4].GetInt64()));
    }

    [Fact]
    public async Task The_Orleans_Dashboard_page_links_to_the_RelationGraph_page_however_it_is_asked_for()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await silo.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"content\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/dashboard/relationgraph\"", page, StringComparison.Ordinal);
    }

    private static async Task<string> GetStringAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return body;
    }
}
