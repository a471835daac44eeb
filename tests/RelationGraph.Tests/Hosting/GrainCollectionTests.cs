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

    [Fact]
    public async Task By_default_a_silo_sheds_early_and_deep_every_second_and_keeps_a_bounded_directory_cache()
    {
        await using var silo = new SiloFactory(postgres.NewDatabase("collectiondefaults"), new Dictionary<string, string?>
        {
            ["RelationGraph:GrainDirectory:CacheSize"] = "5000",
        });
        await using var defaults = new SiloFactory(postgres.NewDatabase("collectiondefaults"));

        var collection = defaults.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal((70, 55, TimeSpan.FromSeconds(1)), (collection.MemoryUsageLimitPercentage, collection.MemoryUsageTargetPercentage, collection.MemoryUsagePollingPeriod));
        Assert.Equal(100_000, defaults.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize);
        Assert.Equal(5_000, silo.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize);
    }
}
