using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RelationGraph.Tests.Fixtures;

/// <summary>The real silo host (storage, runtime, grains, API) in memory, on the given meta database.</summary>
public sealed class SiloFactory(string metaConnectionString, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("RelationGraph:ConnectionString", metaConnectionString);
        builder.UseSetting("RelationGraph:ClusterSecret", "test-cluster-secret");
        builder.UseSetting("RelationGraph:SiloPort", "0");
        builder.UseSetting("RelationGraph:GatewayPort", "0");
        builder.UseSetting("RelationGraph:Redundancy", "Sync");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
