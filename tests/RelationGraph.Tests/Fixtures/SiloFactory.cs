using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Fixtures;

/// <summary>
/// The real silo host (storage, Orleans silo, grains, API) in memory, on the given meta database and free loopback ports.
/// It trusts the <see cref="TestApiKeys"/>, and its clients send the admin key unless a request sets its own.
/// </summary>
public sealed class SiloFactory(
    string metaConnectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<ILoggingBuilder>? logging = null) : WebApplicationFactory<Program>
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
        builder.UseSetting(RelationGraphTestClusterBuilderExtensions.RateLimitsEnabled, "false");
        builder.UseSetting("RelationGraph:ShardConnectTimeout", "00:00:15");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("RelationGraph:Api:RequestsPerSecond", "0");
        foreach (var (key, value) in TestApiKeys.Settings())
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("RelationGraph:Audit:RealtimeEnabled", "false");
        builder.UseSetting("RelationGraph:Audit:Scheduled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (logging is not null)
        {
            builder.ConfigureLogging(logging);
        }
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = TestApiKeys.Bearer(TestApiKeys.Admin);
    }
}
