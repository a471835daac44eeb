using System.Net;
using RelationGraph.Tests.Api;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hardening;

/// <summary>Before the fix any caller could act as any user; now every /v1 call needs a key with the right scope.</summary>
public sealed class ApiKeyTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer rg_not-a-key")]
    [InlineData("Bearer ")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task A_missing_or_wrong_key_gets_401_and_nothing_is_written(string? authorization)
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        using var anonymous = silo.Factory.Server.CreateClient(); // without the fixture's default key
        foreach (var (method, path) in new[] { ("PUT", $"/v1/users/{a}/following/{b}"), ("GET", $"/v1/users/{a}/following"), ("GET", $"/v1/users/{a}/counts") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await anonymous.SendAsync(request, Token);

            await FollowApiTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Empty((await silo.Client.FollowingAsync(a)).Items);
        Assert.Equal(0, (await silo.Client.CountsAsync(b)).Fans);
    }

    [Fact]
    public async Task A_read_key_cannot_write_and_a_write_key_cannot_read()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        using var write = await SendAsync(HttpMethod.Put, $"/v1/users/{a}/following/{b}", TestApiKeys.Reader);
        using var read = await SendAsync(HttpMethod.Get, $"/v1/users/{a}/following", TestApiKeys.Writer);

        var problem = await FollowApiTests.AssertProblemAsync(write, HttpStatusCode.Forbidden);
        Assert.Contains("'write'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await FollowApiTests.AssertProblemAsync(read, HttpStatusCode.Forbidden);
        Assert.Empty((await silo.Client.FollowingAsync(a)).Items);
    }

    [Fact]
    public async Task Keys_with_the_scope_are_served()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        using var write = await SendAsync(HttpMethod.Put, $"/v1/users/{a}/following/{b}", TestApiKeys.Writer);
        using var read = await SendAsync(HttpMethod.Get, $"/v1/users/{a}/following", TestApiKeys.Reader);

        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains(b.ToString(), await read.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        using var anonymous = silo.Factory.Server.CreateClient();

        using var response = await anonymous.GetAsync("/health", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = TestApiKeys.Bearer(key);
        return silo.Client.SendAsync(request, Token);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
