using System.Net;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Observability;

/// <summary>The <c>RelationGraph:Metrics</c> options.</summary>
public sealed class MetricsOptionsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Metrics_can_be_switched_off()
    {
        await using var factory = new SiloFactory(postgres.NewDatabase("nometrics"), new Dictionary<string, string?> { ["RelationGraph:Metrics:Enabled"] = "false" });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
