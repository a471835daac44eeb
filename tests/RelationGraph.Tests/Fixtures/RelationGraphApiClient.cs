using System.Net.Http.Json;
using System.Text.Json;
using RelationGraph.Abstractions;

namespace RelationGraph.Tests.Fixtures;

/// <summary>Typed calls of the REST API for tests, asserting success; raw <see cref="HttpClient"/> for error cases.</summary>
public static class RelationGraphApiClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<FollowResult> FollowAsync(this HttpClient client, UserId user, UserId target) =>
        SendAsync<FollowResult>(client, HttpMethod.Put, $"/v1/users/{user}/following/{target}");

    public static Task<FollowResult> UnfollowAsync(this HttpClient client, UserId user, UserId target) =>
        SendAsync<FollowResult>(client, HttpMethod.Delete, $"/v1/users/{user}/following/{target}");

    public static Task<EdgePage> FollowingAsync(this HttpClient client, UserId user, int? limit = null, string? cursor = null) =>
        SendAsync<EdgePage>(client, HttpMethod.Get, PageUri($"/v1/users/{user}/following", limit, cursor));

    public static Task<EdgePage> FansAsync(this HttpClient client, UserId user, int? limit = null, string? cursor = null) =>
        SendAsync<EdgePage>(client, HttpMethod.Get, PageUri($"/v1/users/{user}/fans", limit, cursor));

    public static Task<Counts> CountsAsync(this HttpClient client, UserId user) =>
        SendAsync<Counts>(client, HttpMethod.Get, $"/v1/users/{user}/counts");

    public static Task<Relation> RelationAsync(this HttpClient client, UserId user, UserId other) =>
        SendAsync<Relation>(client, HttpMethod.Get, $"/v1/users/{user}/relations/{other}");

    /// <summary>Every entry of a list, page by page.</summary>
    public static async Task<List<Edge>> WalkAsync(Func<string?, Task<EdgePage>> page)
    {
        var all = new List<Edge>();
        string? cursor = null;
        do
        {
            var next = await page(cursor);
            all.AddRange(next.Items);
            cursor = next.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    private static string PageUri(string path, int? limit, string? cursor)
    {
        var query = new List<string>();
        if (limit is not null) query.Add($"limit={limit}");
        if (cursor is not null) query.Add($"cursor={Uri.EscapeDataString(cursor)}");
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    private static async Task<T> SendAsync<T>(HttpClient client, HttpMethod method, string uri)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, uri), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {uri} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }
}
