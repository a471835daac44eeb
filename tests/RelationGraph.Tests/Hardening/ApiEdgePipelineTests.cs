using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using RelationGraph.Silo.Api;
using RelationGraph.Silo.Api.Protection;
using RelationGraph.Tests.Api;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hardening;

/// <summary>
/// The edge in front of endpoints that take bodies or name their scope (batch and admin endpoints of other areas), on a
/// host with just the API's edge and a few such endpoints.
/// </summary>
public sealed class ApiEdgePipelineTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private int _bodiesRead;

    [Fact]
    public async Task A_body_over_64_KiB_gets_413_and_the_endpoint_never_runs()
    {
        using var small = await PostAsync("/v1/batch", $"\"{new string('1', 1000)}\"", TestApiKeys.Writer);
        using var large = await PostAsync("/v1/batch", $"\"{new string('1', 65 * 1024)}\"", TestApiKeys.Writer);

        Assert.True(small.StatusCode == HttpStatusCode.OK, await small.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await FollowApiTests.AssertProblemAsync(large, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(1, _bodiesRead);
    }

    [Fact]
    public async Task Endpoints_opt_into_admin_or_mark_a_reading_POST_as_read()
    {
        using var adminByWriter = await PostAsync("/v1/admin/replay", "1", TestApiKeys.Writer);
        using var adminByAdmin = await PostAsync("/v1/admin/replay", "1", TestApiKeys.Admin);
        using var queryByReader = await PostAsync("/v1/query", "1", TestApiKeys.Reader);
        using var batchByReader = await PostAsync("/v1/batch", "1", TestApiKeys.Reader);

        await FollowApiTests.AssertProblemAsync(adminByWriter, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, adminByAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queryByReader.StatusCode);
        await FollowApiTests.AssertProblemAsync(batchByReader, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Each_key_has_its_own_rate_limit_and_a_refusal_is_429_problem_json_with_Retry_After()
    {
        // A burst of 3, then one more a second: the first refusal comes after 3 answers (a few more if a second ticks by).
        var served = 0;
        while (true)
        {
            using var response = await GetAsync(TestApiKeys.Reader);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await FollowApiTests.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
                Assert.NotNull(response.Headers.RetryAfter);
                break;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.InRange(++served, 1, 20);
        }

        using var otherKey = await GetAsync(TestApiKeys.Admin);

        Assert.InRange(served, 3, 6);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
    }

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection([.. TestApiKeys.Settings(),
            new("RelationGraph:Api:RequestsPerSecond", "1"), new("RelationGraph:Api:Burst", "3")]);
        builder.AddRelationGraphApi();
        builder.AddRelationGraphApiEdge();
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.UseStatusCodePages();
        _app.UseRelationGraphApiEdge();
        _app.MapPost("/v1/batch", (JsonElement body) =>
        {
            Interlocked.Increment(ref _bodiesRead);
            return Results.Ok(body.GetRawText().Length);
        });
        _app.MapPost("/v1/admin/replay", (JsonElement body) => Results.Ok()).RequireApiScope(ApiScopes.Admin);
        _app.MapPost("/v1/query", (JsonElement body) => Results.Ok()).RequireApiScope(ApiScopes.Read);
        _app.MapGet("/v1/ping", () => "pong");
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = TestApiKeys.Bearer(key);
        return _client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private Task<HttpResponseMessage> GetAsync(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/ping");
        request.Headers.Authorization = TestApiKeys.Bearer(key);
        return _client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
