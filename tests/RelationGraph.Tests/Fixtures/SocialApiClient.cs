using System.Net.Http.Json;
using System.Text.Json;
using RelationGraph.Abstractions;

namespace RelationGraph.Tests.Fixtures;

/// <summary>Typed calls of the friend, block, relation batch and set query endpoints for tests, asserting success.</summary>
public static class SocialApiClient
{
    public static Task<FriendResult> FriendAsync(this HttpClient client, UserId user, UserId other) =>
        SendAsync<FriendResult>(client, HttpMethod.Put, $"/v1/users/{user}/friends/{other}");

    public static Task<FriendResult> UnfriendAsync(this HttpClient client, UserId user, UserId other) =>
        SendAsync<FriendResult>(client, HttpMethod.Delete, $"/v1/users/{user}/friends/{other}");

    public static Task<EdgePage> FriendsAsync(this HttpClient client, UserId user, int? limit = null, string? cursor = null) =>
        SendAsync<EdgePage>(client, HttpMethod.Get, Query($"/v1/users/{user}/friends", ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("cursor", cursor)));

    public static Task<EdgePage> FriendRequestsAsync(this HttpClient client, UserId user, string direction) =>
        SendAsync<EdgePage>(client, HttpMethod.Get, $"/v1/users/{user}/friend-requests?direction={direction}");

    public static Task<BlockResult> BlockAsync(this HttpClient client, UserId user, UserId other) =>
        SendAsync<BlockResult>(client, HttpMethod.Put, $"/v1/users/{user}/blocks/{other}");

    public static Task<BlockResult> UnblockAsync(this HttpClient client, UserId user, UserId other) =>
        SendAsync<BlockResult>(client, HttpMethod.Delete, $"/v1/users/{user}/blocks/{other}");

    public static Task<EdgePage> BlocksAsync(this HttpClient client, UserId user) =>
        SendAsync<EdgePage>(client, HttpMethod.Get, $"/v1/users/{user}/blocks");

    public static Task<RelationSet> RelationsAsync(this HttpClient client, UserId user, IEnumerable<UserId> others) =>
        SendAsync<RelationSet>(client, HttpMethod.Post, $"/v1/users/{user}/relations", JsonContent.Create(new { ids = others.Select(o => o.Value) }));

    public static Task<UserPage> SetAsync(this HttpClient client, string path, int? limit = null, string? cursor = null) =>
        SendAsync<UserPage>(client, HttpMethod.Get, Query(path, ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("cursor", cursor)));

    /// <summary>Every user of a set query, page by page.</summary>
    public static async Task<List<UserId>> WalkSetAsync(this HttpClient client, string path, int limit)
    {
        var all = new List<UserId>();
        string? cursor = null;
        do
        {
            var page = await client.SetAsync(path, limit, cursor);
            all.AddRange(page.Items.Select(i => i.UserId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? path : $"{path}?{string.Join('&', given)}";
    }

    private static async Task<T> SendAsync<T>(HttpClient client, HttpMethod method, string uri, HttpContent? content = null)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, uri) { Content = content }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {uri} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, RelationGraphApiClient.Json)!;
    }
}
