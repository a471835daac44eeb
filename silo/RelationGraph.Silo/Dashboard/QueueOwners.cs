using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;

namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// Which silo pulls a stream queue: the owner of the queue's hash on Orleans' consistent ring of active silos, as the
/// providers' <c>ConsistentRing</c> queue balancer divides it (with virtual buckets unless configured off).
/// </summary>
internal sealed class QueueOwners(IClusterMembershipService membership, IOptions<ConsistentRingOptions> ring)
{
    /// <summary>The owner of each of <paramref name="queues"/> in the current membership view.</summary>
    public Func<QueueId, SiloAddress?> Snapshot()
    {
        var buckets = ring.Value.UseVirtualBucketsConsistentRing ? Math.Max(1, ring.Value.NumVirtualBucketsConsistentRing) : 1;
        var points = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .SelectMany(m => (buckets == 1 ? [unchecked((uint)m.SiloAddress.GetConsistentHashCode())] : m.SiloAddress.GetUniformHashCodes(buckets).ToArray()).Select(h => (Hash: h, Silo: m.SiloAddress)))
            .OrderBy(p => p.Hash)
            .ToArray();
        return queue =>
        {
            if (points.Length == 0)
            {
                return null;
            }

            // A range runs from the previous point (exclusive) to its own point (inclusive), wrapping past the top.
            var hash = queue.GetUniformHashCode();
            foreach (var point in points)
            {
                if (point.Hash >= hash)
                {
                    return point.Silo;
                }
            }

            return points[0].Silo;
        };
    }
}
