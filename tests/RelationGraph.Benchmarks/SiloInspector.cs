using Orleans.Runtime;
using Orleans.Serialization.TypeSystem;
using RelationGraph.Grains;

namespace RelationGraph.Benchmarks;

/// <summary>
/// What the silos hold, asked through Orleans' management grain over a client connection: activations per RelationGraph
/// grain type, and the GC's committed memory less fragmentation after a forced full collection.
/// </summary>
internal static class SiloInspector
{
    private static readonly string FollowingGrainType = RuntimeTypeNameFormatter.Format(typeof(FollowingGrain));
    private static readonly string FanGrainType = RuntimeTypeNameFormatter.Format(typeof(FanGrain));

    /// <summary>Activations over all active silos: following grains, fan grains and all (Orleans' own included).</summary>
    public static async Task<Activations> GetActivationsAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        var statistics = await client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics(cancellationToken);
        return new Activations(
            statistics.Where(s => s.GrainType == FollowingGrainType).Sum(s => (long)s.ActivationCount),
            statistics.Where(s => s.GrainType == FanGrainType).Sum(s => (long)s.ActivationCount),
            statistics.Sum(s => (long)s.ActivationCount));
    }

    /// <summary>
    /// Has every active silo run a full blocking collection, then reads what their GC has committed less the free space
    /// inside it, Orleans' own memory statistic (<c>EnvironmentStatistics.RawMemoryUsageBytes</c>), taken right after that
    /// collection, summed over the silos. It bounds the live heap from above: it includes the allocation budget and free
    /// regions the GC keeps, so it grows faster than the live heap (the memory scenario measures both, in-process).
    /// </summary>
    public static async Task<long> GetGcCommittedAfterFullCollectionAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var silos = (await management.GetHosts(onlyActive: true, cancellationToken)).Keys.ToArray();
        await management.ForceGarbageCollection(silos, cancellationToken);
        var statistics = await management.GetRuntimeStatistics(silos, cancellationToken);
        return statistics.Sum(s => s.EnvironmentStatistics.RawMemoryUsageBytes);
    }
}

/// <summary>Grain activations: of <see cref="FollowingGrain"/>, of <see cref="FanGrain"/>, and of every grain type.</summary>
internal sealed record Activations(long Following, long Fans, long Total)
{
    /// <summary>Both RelationGraph grain types together.</summary>
    public long UserGrains => Following + Fans;
}
