using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Tests.Fixtures;

/// <summary>Just the storage layer, started the way the silo starts it, for storage-level tests.</summary>
public sealed class StorageHost : IAsyncDisposable
{
    private readonly IHost _host;

    private StorageHost(IHost host) => _host = host;

    public EdgeStore Edges => _host.Services.GetRequiredService<EdgeStore>();

    public ShardSet Shards => _host.Services.GetRequiredService<ShardSet>();

    public PageCursorCodec Cursors => _host.Services.GetRequiredService<PageCursorCodec>();

    public static async Task<StorageHost> StartAsync(string metaConnectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RelationGraph:ConnectionString"] = metaConnectionString,
            ["RelationGraph:ShardConnectTimeout"] = "00:00:15",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddRelationGraphStorage().AddRelationGraphStorageStartup();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new StorageHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
