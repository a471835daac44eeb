using System.Text.Json;
using RelationGraph.Tests.Fixtures;
using static RelationGraph.Tests.Hardening.CanonicalPathTests;

namespace RelationGraph.Tests.Hardening;

/// <summary>The smaller findings of the probe, on a real Kestrel: /health's methods and 503, strict limits, HEAD, body limits.</summary>
public sealed class EdgeRequestTests(KestrelSiloFixture silo) : IClassFixture<KestrelSiloFixture>
{
    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    public async Task Health_answers_405_to_methods_other_than_GET_and_HEAD(string method)
    {
        var response = await silo.RawAsync(method, "/health", key: null);

        AssertProblem(response, 405);
    }

    [Fact]
    public async Task Health_answers_GET_and_HEAD()
    {
        var get = await silo.RawAsync("GET", "/health", key: null);
        var head = await silo.RawAsync("HEAD", "/health", key: null);

        Assert.Equal((200, "Healthy"), (get.Status, get.Body));
        Assert.Equal((200, ""), (head.Status, head.Body));
    }

    [Theory]
    [InlineData("limit=+5")]
    [InlineData("limit=%2B5")]
    [InlineData("limit=5%20")]
    [InlineData("limit=%205")]
    [InlineData("limit=-5")]
    [InlineData("limit=5.0")]
    [InlineData("limit=")]
    [InlineData("limit=5&limit=6")]
    [InlineData("limit=0x10")]
    [InlineData("limit=99999999999")]
    public async Task A_limit_is_parsed_as_strictly_as_an_id(string query)
    {
        var user = silo.NewUser();

        foreach (var list in new[] { "following", "fans" })
        {
            var response = await silo.RawAsync("GET", $"/v1/users/{user}/{list}?{query}");

            var problem = AssertProblem(response, 400);
            Assert.DoesNotContain("Exception", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_plain_limit_is_accepted()
    {
        var response = await silo.RawAsync("GET", $"/v1/users/{silo.NewUser()}/following?limit=5");

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task HEAD_on_a_GET_endpoint_answers_like_GET_without_a_body()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        await silo.Client.FollowAsync(a, b);

        foreach (var path in new[] { $"/v1/users/{a}/following", $"/v1/users/{a}/fans", $"/v1/users/{a}/counts", $"/v1/users/{a}/relations/{b}" })
        {
            var get = await silo.RawAsync("GET", path);
            var head = await silo.RawAsync("HEAD", path);

            Assert.Equal(200, get.Status);
            Assert.Equal(200, head.Status);
            Assert.Equal(get.ContentType, head.ContentType);
            Assert.Equal("", head.Body);
        }

        var unauthorized = await silo.RawAsync("HEAD", $"/v1/users/{a}/following", key: null);
        Assert.Equal(401, unauthorized.Status);
    }

    [Fact]
    public async Task A_body_where_none_is_expected_is_refused_and_nothing_is_written()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        var before = await silo.EdgeFingerprintAsync();

        var put = await silo.RawAsync("PUT", $"/v1/users/{a}/following/{b}", body: """{"userId":1}""", contentType: "application/json");
        var get = await silo.RawAsync("GET", $"/v1/users/{a}/following", body: "{}", contentType: "application/json");

        AssertProblem(put, 400);
        AssertProblem(get, 400);
        Assert.Equal(before, await silo.EdgeFingerprintAsync());
    }

    [Fact]
    public async Task An_error_body_is_problem_json_with_a_message_for_users()
    {
        var response = await silo.RawAsync("GET", "/v1/users/abc/following");

        var problem = AssertProblem(response, 400);
        Assert.Equal(JsonValueKind.String, problem.GetProperty("title").ValueKind);
    }
}
