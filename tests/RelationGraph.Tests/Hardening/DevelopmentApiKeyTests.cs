using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using RelationGraph.Cli;
using RelationGraph.Client;
using RelationGraph.Silo.Api;
using RelationGraph.Silo.Api.Protection;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hardening;

/// <summary>With no keys configured the silo trusts the admin key it generates into api.key, which only its owner can read; relgraph prints it.</summary>
public sealed class DevelopmentApiKeyTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("relationgraph-apikey-test-");

    [Fact]
    public async Task A_silo_without_configured_keys_writes_an_owner_only_admin_key_and_trusts_only_it()
    {
        var dataDirectory = Path.Combine(_directory.FullName, ".relationgraph");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection([new("RelationGraph:DataDirectory", dataDirectory)]);
        builder.AddRelationGraphApi();
        builder.AddRelationGraphApiEdge();
        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.UseRelationGraphApiEdge();
        app.MapPost("/v1/admin/op", () => "done").RequireApiScope(ApiScopes.Admin);
        await app.StartAsync(Token);
        using var client = app.GetTestClient();

        var path = Path.Combine(dataDirectory, "api.key");
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        client.DefaultRequestHeaders.Authorization = TestApiKeys.Bearer(ApiKeyFile.TryRead(dataDirectory)!);
        using var admin = await client.PostAsync("/v1/admin/op", null, Token);
        client.DefaultRequestHeaders.Authorization = TestApiKeys.Bearer(TestApiKeys.Admin);
        using var other = await client.PostAsync("/v1/admin/op", null, Token);

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task relgraph_api_key_prints_the_development_key_and_new_makes_a_key_with_its_configuration()
    {
        var key = ApiKeyFile.LoadOrCreate(Path.Combine(_directory.FullName, ".relationgraph"));

        var (shown, _, shownExit) = await RunAsync("api-key");
        var (made, _, madeExit) = await RunAsync("api-key", "--new", "--name", "shop", "--scopes", "read");
        var (_, missing, missingExit) = await RunAsync("api-key", "--data-directory", "nowhere");

        Assert.Equal((0, key), (shownExit, shown.Trim()));
        Assert.Equal(0, madeExit);
        var lines = made.Trim().Split('\n');
        Assert.Equal($"RelationGraph__Api__Keys__shop__Hash={ApiKeyFile.Hash(lines[0])}", lines[1]);
        Assert.Equal("RelationGraph__Api__Keys__shop__Scopes__0=read", lines[2]);
        Assert.Equal(1, missingExit);
        Assert.StartsWith("relgraph: no api.key in nowhere", missing, StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<(string Stdout, string Stderr, int Exit)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await RelgraphApp.RunAsync(args, stdout, stderr, new RelgraphEnvironment(_ => null, _directory.FullName), Token);
        return (stdout.ToString().Replace("\r", "", StringComparison.Ordinal), stderr.ToString(), exit);
    }
}
