using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hosting;

public sealed class GrainCollectionTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_silo_sheds_activations_under_memory_pressure_unless_configured_otherwise_and_binds_Orleans_collection_settings()
    {
        await using var silo = new SiloFactory(postgres.NewDatabase("collection"), new Dictionary<string, string?>
        {
            ["RelationGraph:GrainCollection:MemoryUsageLimitPercentage"] = "60",
            ["RelationGraph:GrainCollection:MemoryUsageTargetPercentage"] = "50",
            ["RelationGraph:GrainCollection:CollectionAge"] = "00:05:00",
        });

        var options = silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.True(options.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(60, options.MemoryUsageLimitPercentage);
        Assert.Equal(50, options.MemoryUsageTargetPercentage);
        Assert.Equal(TimeSpan.FromMinutes(5), options.CollectionAge);
    }
}
