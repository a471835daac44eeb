using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Observability;

/// <summary>
/// <c>/openapi/v1.json</c> describes every API endpoint the silo maps (read from its <see cref="EndpointDataSource"/>, so
/// an endpoint added without a description fails here), and the reference page beside it works without a CDN.
/// </summary>
public sealed class OpenApiDocumentTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task The_document_describes_every_mapped_API_endpoint_with_parameters_answers_and_problems()
    {
        using var document = JsonDocument.Parse(await GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var endpoints = silo.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method => (Endpoint: e, Method: method)))
            .ToList();
        Assert.NotEmpty(endpoints);

        foreach (var (endpoint, method) in endpoints)
        {
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var name = $"{method} {path}";
            Assert.True(paths.TryGetProperty(path, out var item), $"{name} is not in the document");
            Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{name} is not in the document");
            Assert.False(string.IsNullOrWhiteSpace(operation.TryGetProperty("summary", out var summary) ? summary.GetString() : null), $"{name} has no summary (WithSummary)");
            Assert.True(operation.TryGetProperty("operationId", out _), $"{name} has no operation id (WithName)");

            var parameters = operation.TryGetProperty("parameters", out var list) ? list.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet() : [];
            foreach (var parameter in endpoint.RoutePattern.Parameters)
            {
                Assert.Contains(parameter.Name, parameters);
            }

            var responses = operation.GetProperty("responses");
            Assert.True(responses.EnumerateObject().Any(r => r.Name.StartsWith('2')), $"{name} documents no success answer");
            foreach (var status in new[] { "400", "503", "504" })
            {
                Assert.True(responses.TryGetProperty(status, out var problem), $"{name} does not document {status}");
                Assert.True(problem.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{name}'s {status} is not problem+json");
            }
        }
    }

    [Fact]
    public async Task User_ids_are_documented_as_positive_integers()
    {
        using var document = JsonDocument.Parse(await GetStringAsync("/openapi/v1.json"));
        var follow = document.RootElement.GetProperty("paths").GetProperty("/v1/users/{userId}/following/{targetId}").GetProperty("put");
        var userId = follow.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "userId");

        Assert.Equal("path", userId.GetProperty("in").GetString());
        Assert.Equal("integer", userId.GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_reference_page_is_served_from_the_silo_without_a_CDN()
    {
        var page = await GetStringAsync("/scalar/v1");

        Assert.DoesNotContain("cdn.", page, StringComparison.OrdinalIgnoreCase);
        var scripts = System.Text.RegularExpressions.Regex.Matches(page, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal), $"{script} is fetched from elsewhere");
            using var response = await silo.Client.GetAsync(new Uri(new Uri(silo.Client.BaseAddress!, "/scalar/v1"), script), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private async Task<string> GetStringAsync(string path)
    {
        using var response = await silo.Client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return body;
    }
}
