using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>
/// The users whose erasure is not settled, as this silo knows them, for its list caches: pages leave them out, and a
/// cached count loaded before an erasure's walk finished is not served after the silo hears of it. Read from every shard
/// (<c>erased_users</c>) at most every <see cref="ListCacheOptions.ErasureCheckInterval"/>, by the first cached read after
/// that, which waits for it; so a deletion that waits one interval after its marks, and again after its walk, knows every
/// silo's caches have heard of each. An erasure is settled once its walk finished longer ago than a cache keeps anything.
/// </summary>
public sealed partial class ErasedUsers(EdgeStore store, IOptions<ListCacheOptions> options, TimeProvider time, ILogger<ErasedUsers> logger)
{
    // A walk's end is stamped with the shard's clock; room for the silos' clocks to differ from it.
    private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private FrozenDictionary<long, bool> _unsettled = FrozenDictionary<long, bool>.Empty;
    private long _walksHeard;
    private long _checkedAt;
    private bool _checked;
    private Task? _checking;

    /// <summary>A number that grows each time this silo hears that an erasure's walk has finished (or cannot tell).</summary>
    public long WalksHeard => Volatile.Read(ref _walksHeard);

    /// <summary>Brings what this silo knows up to date when the interval has passed since it last looked.</summary>
    public async Task RefreshIfDueAsync()
    {
        // A check already running may have begun before the interval it is waited for: then another one follows.
        while (NextCheck() is { } check)
        {
            await check;
        }
    }

    /// <summary><paramref name="page"/> without the users whose erasure this silo knows of.</summary>
    public EdgePage Without(EdgePage page)
    {
        var unsettled = Volatile.Read(ref _unsettled);
        return unsettled.Count == 0 || !page.Items.Any(e => unsettled.ContainsKey(e.UserId.Value))
            ? page
            : page with { Items = [.. page.Items.Where(e => !unsettled.ContainsKey(e.UserId.Value))] };
    }

    private Task? NextCheck()
    {
        // Every cached read asks: the common answer takes no lock.
        if (IsCurrent())
        {
            return null;
        }

        lock (_lock)
        {
            // Off the caller's scheduler: the check is shared by every grain that reads meanwhile.
            return IsCurrent() ? null : _checking ??= Task.Run(CheckAsync);
        }
    }

    private bool IsCurrent() => Volatile.Read(ref _checked) && time.GetElapsedTime(Volatile.Read(ref _checkedAt)) < options.Value.ErasureCheckInterval;

    private async Task CheckAsync()
    {
        try
        {
            var startedAt = time.GetTimestamp();
            var since = time.GetUtcNow() - options.Value.TimeToLive - ClockMargin;
            var failed = 0;
            var reads = await Task.WhenAll(store.Shards.All.Select(async shard =>
            {
                try
                {
                    return await EdgeStore.ReadUnsettledErasuresAsync(shard, since, CancellationToken.None);
                }
                catch (Exception exception)
                {
                    LogCheckFailed(logger, exception, shard.Name);
                    Interlocked.Increment(ref failed);
                    return [];
                }
            }));

            // Every shard holds every mark, and the walk's end is stamped on each: walked once any shard says so.
            var found = new Dictionary<long, bool>();
            foreach (var (user, walked) in reads.SelectMany(r => r))
            {
                found[user] = found.GetValueOrDefault(user) || walked;
            }

            lock (_lock)
            {
                var previous = _unsettled;

                // A shard that did not answer may hold a walk's end this silo has not heard of: cached counts go all the same.
                if (failed > 0 || found.Any(f => f.Value && !previous.GetValueOrDefault(f.Key)))
                {
                    Interlocked.Increment(ref _walksHeard);
                }

                if (failed < store.Shards.All.Count)
                {
                    Volatile.Write(ref _unsettled, found.ToFrozenDictionary());
                }

                Volatile.Write(ref _checkedAt, startedAt);
                Volatile.Write(ref _checked, true);
            }
        }
        finally
        {
            lock (_lock)
            {
                _checking = null;
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not read the unsettled erasures of shard {Shard}; cached counts are dropped until it answers")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string shard);
}
