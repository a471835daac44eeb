using System.Reflection;
using System.Text.RegularExpressions;
using Orleans.Configuration;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Tests.Hosting;

/// <summary>No Docker engine runs here, so the compose file is checked statically against the options it configures.</summary>
public sealed partial class DockerComposeTests
{
    private static readonly Type[] OptionsBoundToTheRelationGraphSection =
    [
        typeof(StorageOptions), typeof(DevelopmentDatabaseOptions), typeof(RedundancyOptions), typeof(ClusterOptions), typeof(SiloOptions),
        typeof(EndpointOptions), typeof(ClusterTlsOptions),
    ];

    [Fact]
    public void Every_RelationGraph_setting_in_docker_compose_exists_in_an_options_class()
    {
        var settings = Settings().ToList();
        var known = OptionsBoundToTheRelationGraphSection
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.NotEmpty(settings);
        Assert.All(settings, setting => Assert.True(known.Contains(setting.Split("__")[0]), $"RelationGraph__{setting} configures nothing"));
    }

    [Fact]
    public void Docker_compose_runs_three_silos_with_distinct_addresses_on_one_cluster()
    {
        var compose = File.ReadAllText(ComposeFile());

        var addresses = AdvertisedAddress().Matches(compose).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(3, addresses.Count);
        Assert.Equal(3, addresses.Distinct().Count());
        Assert.Single(ClusterId().Matches(compose));
        Assert.Contains("dockerfile: silo/Dockerfile", compose, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(ComposeFile())!, "silo", "Dockerfile")));
    }

    private static IEnumerable<string> Settings() =>
        SettingKey().Matches(File.ReadAllText(ComposeFile())).Select(m => m.Groups[1].Value).Distinct();

    private static string ComposeFile()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docker-compose.yml");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docker-compose.yml not found above the test binaries.");
    }

    [GeneratedRegex(@"^\s*RelationGraph__([A-Za-z0-9_]+)\s*:", RegexOptions.Multiline)]
    private static partial Regex SettingKey();

    [GeneratedRegex(@"RelationGraph__AdvertisedIPAddress:\s*""([0-9.]+)""")]
    private static partial Regex AdvertisedAddress();

    [GeneratedRegex(@"RelationGraph__ClusterId:")]
    private static partial Regex ClusterId();
}
