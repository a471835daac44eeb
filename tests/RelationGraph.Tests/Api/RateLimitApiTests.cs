using System.Net;
using System.Text.Json;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

public sealed class RateLimitApiTests(RateLimitApiTests.LimitedSiloFixture silo) : IClassFixture<RateLimitApiTests.LimitedSiloFixture>
{
    private HttpClient Client => silo.Client;

    [Fact]
    public async Task A_burst_past_the_limit_answers_429_with_Retry_After_and_writes_nothing()
    {
        var user = silo.NewUser();
        var targets = Enumerable.Range(0, LimitedSiloFixture.Burst + 1).Select(_ => silo.NewUser()).ToList();

        foreach (var target in targets.SkipLast(1))
        {
            await Client.FollowAsync(user, target);
        }

        using var refused = await Client.PutAsync($"/v1/users/{user}/following/{targets[^1]}", null, Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.True(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture) > 3600, $"Retry-After: {retryAfter}");
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Token));
        Assert.Contains("too many follow requests", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(LimitedSiloFixture.Burst, (await Client.CountsAsync(user)).Following);
        Assert.Equal(0, (await Client.CountsAsync(targets[^1])).Fans);
    }

    [Fact]
    public async Task The_limits_are_per_user_and_per_kind_of_write()
    {
        var (spammer, other) = (silo.NewUser(), silo.NewUser());
        var targets = Enumerable.Range(0, LimitedSiloFixture.Burst).Select(_ => silo.NewUser()).ToList();
        foreach (var target in targets)
        {
            await Client.FollowAsync(spammer, target);
        }

        using var refused = await Client.PutAsync($"/v1/users/{spammer}/following/{other}", null, Token);
        var unfollow = await Client.UnfollowAsync(spammer, targets[0]);
        var othersFollow = await Client.FollowAsync(other, targets[0]);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(unfollow.Changed);
        Assert.True(othersFollow.Changed);
    }

    [Fact]
    public async Task Friend_requests_and_blocks_have_limits_of_their_own()
    {
        var user = silo.NewUser();
        var others = Enumerable.Range(0, LimitedSiloFixture.FriendRequests + 2).Select(_ => silo.NewUser()).ToList();

        foreach (var other in others.Take(LimitedSiloFixture.FriendRequests))
        {
            using var asked = await Client.PutAsync($"/v1/users/{user}/friends/{other}", null, Token);
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        }

        using var refused = await Client.PutAsync($"/v1/users/{user}/friends/{others[^2]}", null, Token);
        using var blocked = await Client.PutAsync($"/v1/users/{user}/blocks/{others[^1]}", null, Token);
        using var requests = await Client.GetAsync($"/v1/users/{user}/friend-requests?direction=outgoing", Token);
        using var page = JsonDocument.Parse(await requests.Content.ReadAsStringAsync(Token));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.Equal(LimitedSiloFixture.FriendRequests, page.RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_refusal_shows_on_the_dashboard_by_kind_of_write()
    {
        var user = silo.NewUser();
        for (var i = 0; i <= LimitedSiloFixture.Burst; i++)
        {
            using var _ = await Client.PutAsync($"/v1/users/{user}/following/{silo.NewUser()}", null, Token);
        }

        using var view = JsonDocument.Parse(await Client.GetStringAsync("/dashboard/relationgraph/api/sections/protections", Token));

        var rows = view.RootElement.GetProperty("tables")[0].GetProperty("rows").EnumerateArray().ToList();
        var follow = Assert.Single(rows, row => row[0].GetString() == "Follow");
        Assert.True(follow[1].GetInt64() >= 1, $"since start: {follow[1]}");
        Assert.True(follow[2].GetInt64() >= 1, $"last minute: {follow[2]}");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A silo whose users may follow three times a day and ask two users to be friends.</summary>
    public sealed class LimitedSiloFixture(PostgresFixture postgres) : SiloFixture(postgres)
    {
        public const int Burst = 3;

        public const int FriendRequests = 2;

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["RelationGraph:RateLimits:Enabled"] = "true",
            ["RelationGraph:RateLimits:Follow:Burst"] = "3",
            ["RelationGraph:RateLimits:Follow:PerDay"] = "3",
            ["RelationGraph:RateLimits:FriendRequest:Burst"] = "2",
            ["RelationGraph:RateLimits:FriendRequest:PerDay"] = "2",
        };
    }
}
