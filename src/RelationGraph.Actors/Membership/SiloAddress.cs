using System.Globalization;
using System.Net;

namespace RelationGraph.Actors.Membership;

/// <summary>A silo incarnation: its host, silo port and generation. A restarted silo has a new generation.</summary>
/// <param name="Host">The IP address or host name other silos connect to.</param>
/// <param name="Port">The silo-to-silo port.</param>
/// <param name="Generation">Distinguishes incarnations on the same endpoint; grows with each start.</param>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    /// <summary>This incarnation's stable hash, computed once for placement.</summary>
    public ulong PlacementHash { get; } = StableHash.Of(string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}"));

    /// <summary>The silo-to-silo endpoint.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Parse(Host), Port);

    /// <summary>A generation for a silo starting now: milliseconds since 2024, so later starts get larger ones.</summary>
    public static long NewGeneration(TimeProvider time) =>
        (long)(time.GetUtcNow() - new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalMilliseconds;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}@{Generation}");
}
