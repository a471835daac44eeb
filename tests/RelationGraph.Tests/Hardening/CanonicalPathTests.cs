using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hardening;

/// <summary>
/// Kestrel resolves <c>..</c> and <c>%2E%2E</c> before routing, so before the fix each of the issue's three requests
/// acted on another user (both copies written). Sent byte for byte to a real Kestrel, they now answer 400 and write nothing.
/// </summary>
public sealed class CanonicalPathTests(KestrelSiloFixture silo) : IClassFixture<KestrelSiloFixture>
{
    [Theory]
    [InlineData("PUT", "/v1/users/1/../700004/following/700099")]
    [InlineData("PUT", "/v1/users/700001/following/%2E%2E/following/700099")]
    [InlineData("DELETE", "/v1/users/700001/following/%2E%2E/following/700002")]
    public async Task The_issues_dot_segment_requests_answer_400_and_write_nothing(string method, string target)
    {
        await silo.Client.FollowAsync(new(700001), new(700002)); // what the DELETE would remove
        var before = await silo.EdgeFingerprintAsync();

        var response = await silo.RawAsync(method, target);

        AssertProblem(response, 400);
        Assert.Equal(before, await silo.EdgeFingerprintAsync());
        Assert.Empty((await silo.Client.FollowingAsync(new(700004))).Items);
        Assert.Equal([new Abstractions.UserId(700002)], (await silo.Client.FollowingAsync(new(700001))).Items.Select(i => i.UserId));
        Assert.Empty((await silo.Client.FansAsync(new(700099))).Items);
    }

    [Theory]
    [InlineData("PUT", "/v1/users/1/./following/2")]
    [InlineData("PUT", "/v1/users/1/%2e%2e/2/following/3")]
    [InlineData("PUT", "/v1/users/1/following%2F2")]
    [InlineData("PUT", "/v1/users/1//following/2")]
    [InlineData("PUT", "/v1/users/1/following/2/")]
    [InlineData("DELETE", "/v1/users/1/following/2/")]
    [InlineData("GET", "/v1/users/1/%2E%2E/2/following")]
    [InlineData("GET", "/v1/users//1/following")]
    [InlineData("PUT", "/v1/users/1/following/%252E")]
    [InlineData("PUT", "/v1\\users/1/following/2")]
    public async Task Dot_segments_encoded_dots_or_slashes_empty_segments_and_a_trailing_slash_on_a_write_answer_400(string method, string target)
    {
        var before = await silo.EdgeFingerprintAsync();

        var response = await silo.RawAsync(method, target);

        AssertProblem(response, 400);
        Assert.Equal(before, await silo.EdgeFingerprintAsync());
    }

    [Fact]
    public async Task Canonical_paths_still_work()
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());

        var follow = await silo.RawAsync("PUT", $"/v1/users/{a}/following/{b}");
        var list = await silo.RawAsync("GET", $"/v1/users/{a}/following?limit=5");

        Assert.Equal(200, follow.Status);
        Assert.Equal(200, list.Status);
        Assert.Contains(b.ToString(), list.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/users/1/../700004/following/700099", "/v1/users/700004/following/700099")]
    [InlineData("/v1/users/700001/following/%2E%2E/following/700099", "/v1/users/700001/following/700099")]
    public async Task Without_the_check_Kestrel_routes_the_resolved_path_which_is_what_made_them_act_on_another_user(string target, string routed)
    {
        // The finding, reproduced on a bare Kestrel with no edge in front: the application sees the resolved path.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(context.Request.Path.Value!));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var response = await RawHttp.SendAsync(address, "PUT", target);

        Assert.Equal((200, routed), (response.Status, response.Body));
    }

    internal static JsonElement AssertProblem(RawHttp.Response response, int status)
    {
        Assert.True(status == response.Status, $"expected {status}, got {response.Status}: {response.Body}");
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(response.Body).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
