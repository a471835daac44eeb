using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Tests.Fixtures;

/// <summary>
/// A silo serving on real Kestrel at a free loopback port, for tests of what the server does with requests as they
/// arrive on the wire (raw targets, HEAD, body limits). Counts the edge rows on every shard to show nothing was written.
/// </summary>
public class KestrelSiloFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextUserId = 1_000;

    public SiloFactory Factory { get; private set; } = null!;

    /// <summary>Sends the admin test key.</summary>
    public HttpClient Client { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    public UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public ValueTask InitializeAsync()
    {
        Factory = new SiloFactory(postgres.NewDatabase("edge"), Settings);
        Factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        Address = new Uri(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Client = new HttpClient { BaseAddress = Address };
        Client.DefaultRequestHeaders.Authorization = TestApiKeys.Bearer(TestApiKeys.Admin);
        return ValueTask.CompletedTask;
    }

    /// <summary>The number of edge rows on every shard (both directions, tombstones included) plus their event times: any write changes it.</summary>
    public async Task<long> EdgeFingerprintAsync()
    {
        long total = 0;
        foreach (var shard in Factory.Services.GetRequiredService<ShardSet>().All)
        {
            await using var command = shard.DataSource.CreateCommand("SELECT count(*) + coalesce(sum(extract(epoch FROM event_at)), 0)::bigint FROM edges");
            total += (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        return total;
    }

    public Task<RawHttp.Response> RawAsync(string method, string target, string? key = TestApiKeys.Admin, string? body = null, string? contentType = null) =>
        RawHttp.SendAsync(Address, method, target, key is null ? null : $"Bearer {key}", body, contentType);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
