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

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A silo whose users may follow three times a day.</summary>
    public sealed class LimitedSiloFixture(PostgresFixture postgres) : SiloFixture(postgres)
    {
        public const int Burst = 3;

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["RelationGraph:RateLimits:Enabled"] = "true",
            ["RelationGraph:RateLimits:Follow:Burst"] = "3",
            ["RelationGraph:RateLimits:Follow:PerDay"] = "3",
        };
    }
}
