using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RelationGraph.Abstractions;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Deletion;

/// <summary><c>DELETE /v1/users/{id}</c> and <c>GET /v1/users/{id}/deletion</c>, and the 410 answers that follow a deletion.</summary>
public sealed class DeletionApiTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private HttpClient Client => silo.Client;

    [Fact]
    public async Task Delete_answers_202_with_the_deletion_and_its_progress_reaches_deleted()
    {
        var (user, fan, followed) = (silo.NewUser(), silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(fan, user);
        await Client.FollowAsync(user, followed);

        using var response = await Client.DeleteAsync($"/v1/users/{user}", Token);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(user.Value, body.RootElement.GetProperty("userId").GetInt64());
        Assert.Equal("deleting", body.RootElement.GetProperty("state").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("removed").GetInt64());
        Assert.True(body.RootElement.GetProperty("total").GetInt64() >= 2);
        var deleted = await Eventually.ValueAsync(
            async ct => JsonDocument.Parse(await Client.GetStringAsync($"/v1/users/{user}/deletion", ct)).RootElement,
            d => d.GetProperty("state").GetString() == "deleted", DeletionChecks.Deadline, $"the deletion of {user}", Token);
        Assert.Equal(deleted.GetProperty("total").GetInt64(), deleted.GetProperty("removed").GetInt64());
        Assert.Equal(JsonValueKind.String, deleted.GetProperty("finishedAt").ValueKind);
        Assert.Equal(body.RootElement.GetProperty("startedAt").GetString(), deleted.GetProperty("startedAt").GetString());
        Assert.Equal(0, (await Client.CountsAsync(followed)).Fans);
    }

    [Fact]
    public async Task A_second_delete_answers_the_same_deletion()
    {
        var user = silo.NewUser();
        await Client.FollowAsync(user, silo.NewUser());

        using var first = await Client.DeleteAsync($"/v1/users/{user}", Token);
        using var second = await Client.DeleteAsync($"/v1/users/{user}", Token);
        using var a = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Token));
        using var b = JsonDocument.Parse(await second.Content.ReadAsStringAsync(Token));

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(a.RootElement.GetProperty("startedAt").GetString(), b.RootElement.GetProperty("startedAt").GetString());
    }

    [Fact]
    public async Task Reads_and_writes_of_a_deleted_user_answer_410_problem_json()
    {
        var (user, other) = (silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(other, user);
        using (var _ = await Client.DeleteAsync($"/v1/users/{user}", Token))
        {
        }

        foreach (var (method, path) in new[]
        {
            ("GET", $"/v1/users/{user}/following"),
            ("GET", $"/v1/users/{user}/fans"),
            ("GET", $"/v1/users/{user}/counts"),
            ("GET", $"/v1/users/{user}/friends"),
            ("GET", $"/v1/users/{user}/blocks"),
            ("PUT", $"/v1/users/{user}/following/{other}"),
            ("PUT", $"/v1/users/{other}/following/{user}"),
            ("PUT", $"/v1/users/{other}/friends/{user}"),
            ("PUT", $"/v1/users/{other}/blocks/{user}"),
        })
        {
            using var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Token);
            Assert.True(response.StatusCode == HttpStatusCode.Gone, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
            Assert.Contains($"User {user} is deleted", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_ids_answer_400_an_unknown_deletion_404_and_other_keys_403()
    {
        using var zero = await Client.DeleteAsync("/v1/users/0", Token);
        using var negative = await Client.DeleteAsync("/v1/users/-5", Token);
        using var never = await Client.GetAsync($"/v1/users/{silo.NewUser()}/deletion", Token);
        var writer = silo.NewUser();
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1/users/{writer}");
        request.Headers.Authorization = TestApiKeys.Bearer(TestApiKeys.Writer);
        using var notAdmin = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal("application/problem+json", zero.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, never.StatusCode);
        Assert.Equal("application/problem+json", never.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/v1/users/{writer}/deletion", Token)).StatusCode);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
