using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RelationGraph.Client;

namespace RelationGraph.Tests.Cluster;

/// <summary>The client's options are checked when its host starts, before any connection is tried: no cluster needed.</summary>
public sealed class ClientOptionsTests
{
    [Theory]
    [InlineData("", null, "gateway")]
    [InlineData("localhost", null, "ip:port")]
    [InlineData("127.0.0.1:30000", "Host=127.0.0.1", "not both")]
    [InlineData("127.0.0.1:30000", "tls", "certificate")]
    [InlineData("127.0.0.1:30000", "cluster", "ClusterId")]
    [InlineData("127.0.0.1:30000", "attempts", "MaxAttempts")]
    public async Task A_host_with_invalid_client_options_fails_to_start_with_the_reason(string gateway, string? change, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRelationGraphClient(o =>
        {
            if (gateway.Length > 0)
            {
                o.Gateways.Add(gateway);
            }

            o.UseTls = change == "tls";
            switch (change)
            {
                case "cluster":
                    o.ClusterId = " ";
                    break;
                case "attempts":
                    o.MaxAttempts = 0;
                    break;
                case { } membership when membership.StartsWith("Host=", StringComparison.Ordinal):
                    o.MembershipConnectionString = membership;
                    break;
            }
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Token));

        var argument = Assert.IsType<ArgumentException>(error, exactMatch: false);
        Assert.Contains(expected, argument.Message, StringComparison.Ordinal);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
