using System.Collections.Concurrent;
using Orleans;
using RelationGraph.Abstractions;

namespace RelationGraph.Client;

/// <summary>
/// Reads fan pages where they are served: from the user's <see cref="IFanGrain"/>, or, once a page has said that the
/// user is in buckets (<see cref="EdgePage.Buckets"/>, a celebrity), from one of the user's
/// <see cref="IFanBucketGrain"/>s picked at random, so that a hot user's reads spread over as many activations as its
/// writes. A user never leaves its buckets, so what is learned stays true. Thread-safe; keep one per process.
/// </summary>
/// <param name="grains">Where the grains are called: a cluster client, or a silo's grain factory.</param>
public sealed class FanPageRouter(IGrainFactory grains)
{
    // Only users past the bucket threshold are kept: few, but forgotten wholesale past this, to stay bounded.
    private const int MaxKnown = 65_536;

    private readonly ConcurrentDictionary<long, int> _bucketed = new();

    /// <summary>One page of <paramref name="user"/>'s fans, newest first; the cursor of any page works on either route.</summary>
    /// <param name="user">Whose fans.</param>
    /// <param name="page">Which page, validated by the caller.</param>
    public async Task<EdgePage> GetFansAsync(UserId user, PageRequest page)
    {
        if (_bucketed.TryGetValue(user.Value, out var buckets))
        {
            return await grains.GetGrain<IFanBucketGrain>(user.Value, FanBucketKey.Of(Random.Shared.Next(buckets))).GetFansAsync(page);
        }

        var fans = await grains.GetGrain<IFanGrain>(user.Value).GetFansAsync(page);
        if (fans.Buckets > 0)
        {
            if (_bucketed.Count >= MaxKnown)
            {
                _bucketed.Clear();
            }

            _bucketed[user.Value] = fans.Buckets;
        }

        return fans;
    }
}
