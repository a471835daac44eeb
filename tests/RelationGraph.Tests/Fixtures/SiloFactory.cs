using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Orleans.TestingHost;

namespace RelationGraph.Tests.Fixtures;

/// <summary>The real silo host (storage, Orleans silo, grains, API) in memory, on the given meta database and free loopback ports.</summary>
public sealed class SiloFactory(string metaConnectionString, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var (siloPort, gatewayPort) = new TestClusterPortAllocator().AllocateConsecutivePortPairs(1);
        builder.UseEnvironment("Testing");
        builder.UseSetting("RelationGraph:ConnectionString", metaConnectionString);
        builder.UseSetting("RelationGraph:ClusterId", $"api-{siloPort}");
        builder.UseSetting("RelationGraph:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("RelationGraph:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("RelationGraph:Redundancy", "Sync");
        builder.UseSetting("RelationGraph:UseTls", "false");
        builder.UseSetting("RelationGraph:ShardConnectTimeout", "00:00:15");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("RelationGraph:Audit:RealtimeEnabled", "false");
        builder.UseSetting("RelationGraph:Audit:Scheduled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
