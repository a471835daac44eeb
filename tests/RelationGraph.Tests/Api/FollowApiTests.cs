using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

public sealed class FollowApiTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private HttpClient Client => silo.Client;

    [Fact]
    public async Task Follow_answers_the_documented_shape()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        using var response = await Client.PutAsync($"/v1/users/{a}/following/{b}", null, Token);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(a.Value, json.RootElement.GetProperty("userId").GetInt64());
        Assert.Equal(b.Value, json.RootElement.GetProperty("targetId").GetInt64());
        Assert.True(json.RootElement.GetProperty("following").GetBoolean());
        Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task Follow_twice_is_idempotent()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        var first = await Client.FollowAsync(a, b);
        var second = await Client.FollowAsync(a, b);

        Assert.True(first.Changed);
        Assert.False(second.Changed);
        Assert.True(second.Following);
        Assert.Equal(1, (await Client.CountsAsync(a)).Following);
        Assert.Equal(1, (await Client.CountsAsync(b)).Fans);
    }

    [Fact]
    public async Task A_follow_takes_effect_over_a_newer_event_already_stored()
    {
        // A block's retirement or a repair may store an event newer than the grain's clock: the follow, written unread,
        // is not applied, and the grain reads the edge and writes after it.
        var (a, b) = (silo.NewUser(), silo.NewUser());
        var later = DateTimeOffset.UtcNow.AddHours(1);
        var store = silo.Factory.Services.GetRequiredService<EdgeStore>();
        await store.ApplyAsync(EdgeDirection.Following, a, b, EdgeState.Removed, later, cancellationToken: Token);

        var follow = await Client.FollowAsync(a, b);

        Assert.True(follow.Changed);
        var stored = await store.GetAsync(EdgeDirection.Following, a, b, Token);
        Assert.Equal(EdgeState.Active, stored!.State);
        Assert.True(stored.EventAt > later);
        Assert.Equal(1, (await Client.CountsAsync(a)).Following);
    }

    [Fact]
    public async Task Unfollow_twice_is_idempotent_and_unfollowing_a_stranger_changes_nothing()
    {
        var (a, b, stranger) = (silo.NewUser(), silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(a, b);

        var first = await Client.UnfollowAsync(a, b);
        var second = await Client.UnfollowAsync(a, b);
        var never = await Client.UnfollowAsync(a, stranger);

        Assert.True(first.Changed);
        Assert.False(first.Following);
        Assert.False(second.Changed);
        Assert.False(never.Changed);
        Assert.Equal(0, (await Client.CountsAsync(a)).Following);
        Assert.Equal(0, (await Client.CountsAsync(b)).Fans);
        Assert.Empty((await Client.FansAsync(b)).Items);
    }

    [Fact]
    public async Task A_completed_follow_shows_at_once_in_both_lists_counts_and_relations()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        await Client.FollowAsync(a, b);

        Assert.Equal([b], (await Client.FollowingAsync(a)).Items.Select(i => i.UserId));
        Assert.Equal([a], (await Client.FansAsync(b)).Items.Select(i => i.UserId));
        Assert.Equal(new Abstractions.Counts(a, 1, 0), await Client.CountsAsync(a));
        var relation = await Client.RelationAsync(a, b);
        Assert.True(relation.Following);
        Assert.False(relation.FollowedBy);
        Assert.False(relation.Mutual);
    }

    [Fact]
    public async Task Following_back_makes_the_relation_mutual_from_both_sides()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        await Client.FollowAsync(a, b);
        await Client.FollowAsync(b, a);

        Assert.True((await Client.RelationAsync(a, b)).Mutual);
        Assert.True((await Client.RelationAsync(b, a)).Mutual);
        using var response = await Client.GetAsync($"/v1/users/{a}/relations/{b}", Token);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.True(json.RootElement.GetProperty("mutual").GetBoolean());
        Assert.Equal(b.Value, json.RootElement.GetProperty("otherId").GetInt64());
    }

    [Fact]
    public async Task Lists_answer_newest_first_with_utc_timestamps()
    {
        var a = silo.NewUser();
        var followed = new[] { silo.NewUser(), silo.NewUser(), silo.NewUser() };
        foreach (var b in followed)
        {
            await Client.FollowAsync(a, b);
        }

        using var response = await Client.GetAsync($"/v1/users/{a}/following?limit=2", Token);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal([followed[2].Value, followed[1].Value], items.Select(i => i.GetProperty("userId").GetInt64()));
        Assert.EndsWith("Z", items[0].GetProperty("since").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("nextCursor").ValueKind);
        Assert.Equal(["items", "nextCursor"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var rest = await Client.FollowingAsync(a, 2, json.RootElement.GetProperty("nextCursor").GetString());
        Assert.Equal([followed[0]], rest.Items.Select(i => i.UserId));
        Assert.Null(rest.NextCursor);
    }

    [Theory]
    [InlineData("PUT", "/v1/users/abc/following/2")]
    [InlineData("PUT", "/v1/users/1/following/xyz")]
    [InlineData("PUT", "/v1/users/0/following/2")]
    [InlineData("PUT", "/v1/users/-5/following/2")]
    [InlineData("PUT", "/v1/users/1/following/99999999999999999999")]
    [InlineData("DELETE", "/v1/users/0/following/2")]
    [InlineData("GET", "/v1/users/abc/following")]
    [InlineData("GET", "/v1/users/0/fans")]
    [InlineData("GET", "/v1/users/1/following?limit=0")]
    [InlineData("GET", "/v1/users/1/following?limit=1001")]
    [InlineData("GET", "/v1/users/1/fans?limit=ten")]
    [InlineData("GET", "/v1/users/1/following?cursor=not-a-cursor")]
    [InlineData("GET", "/v1/users/1/fans?cursor=AQAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("GET", "/v1/users/x/counts")]
    [InlineData("GET", "/v1/users/1/relations/0")]
    [InlineData("GET", "/v1/users/1/relations/1")]
    public async Task Bad_input_answers_400_problem_json(string method, string uri)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), uri), Token);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_self_follow_answers_400_and_writes_nothing()
    {
        var a = silo.NewUser();

        using var response = await Client.PutAsync($"/v1/users/{a}/following/{a}", null, Token);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("themselves", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(new Abstractions.Counts(a, 0, 0), await Client.CountsAsync(a));
        Assert.Empty((await Client.FollowingAsync(a)).Items);
    }

    [Fact]
    public async Task Health_answers_200_when_every_shard_is_reachable()
    {
        using var response = await Client.GetAsync("/health", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_Orleans_dashboard_shows_both_grain_types_active_on_the_silo()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(a, b);

        using var page = await Client.GetAsync("/dashboard/", Token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The dashboard samples its silos' statistics periodically; wait for a sample taken after the follow.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var counters = JsonDocument.Parse(await Client.GetStringAsync("/dashboard/DashboardCounters", deadline.Token));
            var active = counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
                .Where(s => s.GetProperty("activationCount").GetInt32() > 0)
                .Select(s => s.GetProperty("grainType").GetString())
                .ToList();
            if (active.Contains("RelationGraph.Grains.FollowingGrain") && active.Contains("RelationGraph.Grains.FanGrain"))
            {
                var host = Assert.Single(counters.RootElement.GetProperty("hosts").EnumerateArray());
                Assert.Equal("Active", host.GetProperty("status").GetString());
                Assert.StartsWith("127.0.0.1:", host.GetProperty("siloAddress").GetString(), StringComparison.Ordinal);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
