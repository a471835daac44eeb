using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

/// <summary><c>/v1/audit</c>: starting runs (202, 400 for an unknown kind, 409 while one of the kind runs), reading them, and the real-time totals.</summary>
public sealed class AuditApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    // A slow full scan (two edges a second), so a second request finds it still running.
    private readonly SiloFactory _factory = new(postgres.NewDatabase("audit_api"), new Dictionary<string, string?>
    {
        ["RelationGraph:Audit:FullScanEdgesPerSecond"] = "2",
        ["RelationGraph:Audit:Segments"] = "1",
    });

    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Runs_start_with_202_conflict_with_409_and_are_listed_newest_first()
    {
        for (var i = 2; i <= 11; i++)
        {
            (await _client.PutAsync($"/v1/users/1/following/{i}", null, Token)).EnsureSuccessStatusCode();
        }

        using var incremental = await _client.PostAsJsonAsync("/v1/audit/runs", new { kind = "incremental" }, Token);
        Assert.Equal(HttpStatusCode.Accepted, incremental.StatusCode);
        var incrementalId = (await ReadAsync(incremental)).GetProperty("runId").GetString()!;
        var done = await Eventually.ValueAsync(async ct => await GetAsync($"/v1/audit/runs/{incrementalId}", ct), r => r.GetProperty("state").GetString() != "running",
            TimeSpan.FromSeconds(60), "incremental run", Token);
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Equal("incremental", done.GetProperty("kind").GetString());
        Assert.Equal(0, done.GetProperty("found").GetProperty("missingFan").GetInt64());

        using var full = await _client.PostAsJsonAsync("/v1/audit/runs", new { kind = "full" }, Token);
        Assert.Equal(HttpStatusCode.Accepted, full.StatusCode);
        var run = await ReadAsync(full);
        Assert.Equal("running", run.GetProperty("state").GetString());
        Assert.Equal(0, run.GetProperty("repaired").GetProperty("countDrift").GetInt64());

        using var again = await _client.PostAsJsonAsync("/v1/audit/runs", new { kind = "full" }, Token);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        var list = await GetAsync("/v1/audit/runs?limit=5", Token);
        Assert.Equal([run.GetProperty("runId").GetString(), incrementalId], list.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("runId").GetString()));
    }

    [Theory]
    [InlineData("""{"kind":"partial"}""")]
    [InlineData("""{"kind":"Full"}""")]
    [InlineData("""{}""")]
    [InlineData("""not json""")]
    public async Task An_unknown_kind_answers_400_problem_json_and_starts_nothing(string body)
    {
        using var response = await _client.PostAsync("/v1/audit/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await GetAsync("/v1/audit/runs", Token)).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("/v1/audit/runs/full-x", HttpStatusCode.BadRequest)]
    [InlineData("/v1/audit/runs/partial-1", HttpStatusCode.BadRequest)]
    [InlineData("/v1/audit/runs/full-999", HttpStatusCode.NotFound)]
    [InlineData("/v1/audit/runs?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/v1/audit/runs?limit=101", HttpStatusCode.BadRequest)]
    public async Task Bad_run_ids_and_limits_answer_problem_json(string path, HttpStatusCode status)
    {
        using var response = await _client.GetAsync(path, Token);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_realtime_totals_have_the_documented_shape()
    {
        var totals = await GetAsync("/v1/audit/realtime", Token);

        Assert.Equal(0, totals.GetProperty("checked").GetInt64());
        Assert.Equal(0, totals.GetProperty("found").GetProperty("orphanFan").GetInt64());
        Assert.Equal(0, totals.GetProperty("repaired").GetProperty("staleFan").GetInt64());
    }

    private async Task<JsonElement> GetAsync(string path, CancellationToken ct)
    {
        using var response = await _client.GetAsync(path, ct);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.Clone();

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
