using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.FanBuckets;

/// <summary>
/// The users whose fan copies are written in buckets (celebrities), as this silo knows them: every shard's
/// <c>fan_buckets</c> rows, looked up in memory on the write path and picked up from the shards at most every
/// <see cref="FanBucketOptions.RefreshInterval"/>, in the background of a lookup. Knowing late costs only spread: until a
/// silo knows, it sends the user's copies to the user's fan grain, which writes the same rows a bucket would.
/// </summary>
public sealed partial class FanBucketMap(ShardSet shards, IOptions<FanBucketOptions> options, TimeProvider time, ILogger<FanBucketMap> logger)
{
    // A row's seq is drawn before it commits, so one committed just after a refresh read a higher seq would be skipped
    // for good; rows are added one per statement, rarely, so looking a little behind the last seq seen catches them.
    private const long LookBehind = 100;

    // Mixed apart from the shard hash of the same id, so one bucket's followers come from every shard.
    private const long Salt = 0x5851F42D4C957F2DL;

    private readonly ConcurrentDictionary<long, int> _buckets = new();
    private long[]? _seen;
    private long _nextRefresh;
    private int _refreshing;

    /// <summary>The bucket, among <paramref name="buckets"/>, that writes <paramref name="follower"/>'s fan copy.</summary>
    public static int BucketOf(UserId follower, int buckets) => VirtualShardHash.Of(follower.Value ^ Salt, buckets);

    /// <summary>
    /// The stream namespace that carries <paramref name="follower"/>'s copy to <paramref name="followee"/>:
    /// <paramref name="streamNamespace"/> itself, or, for a user in buckets, that of the follower's bucket,
    /// <c>streamNamespace/n</c> (a stream part with a queue of its own, see <see cref="Outbox.StreamQueue"/>).
    /// </summary>
    public string StreamOf(string streamNamespace, UserId followee, UserId follower) =>
        TryGetBuckets(followee, out var buckets) ? $"{streamNamespace}/{BucketOf(follower, buckets)}" : streamNamespace;

    /// <summary>Whether <paramref name="user"/> is in buckets as far as this silo knows, and into how many.</summary>
    public bool TryGetBuckets(UserId user, out int buckets)
    {
        RefreshIfDue();
        return _buckets.TryGetValue(user.Value, out buckets);
    }

    /// <summary>
    /// Moves <paramref name="user"/> into <paramref name="buckets"/> buckets, unless already moved; answers the user's
    /// buckets as stored (a concurrent or earlier move's count wins).
    /// </summary>
    public Task<int> AddAsync(UserId user, int buckets, CancellationToken cancellationToken = default) =>
        shards.For(user).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("""
                WITH added AS (INSERT INTO fan_buckets (user_id, buckets) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING buckets)
                SELECT buckets FROM added UNION ALL SELECT buckets FROM fan_buckets WHERE user_id = $1
                """);
            command.Parameters.Add(new() { Value = user.Value });
            command.Parameters.Add(new() { Value = buckets });
            var stored = (int)(await command.ExecuteScalarAsync(ct))!;
            _buckets[user.Value] = stored;
            return stored;
        }, cancellationToken);

    /// <summary>Picks up the users moved into buckets on any shard since this silo last looked.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var all = shards.All;
        var seen = _seen ??= new long[all.Count];
        await Task.WhenAll(all.Select(shard => shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT user_id, buckets, seq FROM fan_buckets WHERE seq > $1");
            command.Parameters.Add(new() { Value = seen[shard.Database.ShardId] - LookBehind });
            await using var reader = await command.ExecuteReaderAsync(ct);
            var last = seen[shard.Database.ShardId];
            while (await reader.ReadAsync(ct))
            {
                _buckets[reader.GetInt64(0)] = reader.GetInt32(1);
                last = Math.Max(last, reader.GetInt64(2));
            }

            seen[shard.Database.ShardId] = last;
            return true;
        }, cancellationToken)));
    }

    private void RefreshIfDue()
    {
        var now = time.GetTimestamp();
        if (now < Volatile.Read(ref _nextRefresh) || Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        // Off the caller's scheduler: lookups come from grain turns, which must not wait for it or run it.
        _ = Task.Run(() => RefreshInBackgroundAsync(now));
    }

    private async Task RefreshInBackgroundAsync(long startedAt)
    {
        try
        {
            await RefreshAsync();
        }
        catch (ShardUnavailableException)
        {
            // The shard logs its own outage, once; the shards that answered were read, and the next interval tries again.
        }
        catch (Exception exception)
        {
            LogRefreshFailed(logger, exception);
        }
        finally
        {
            Volatile.Write(ref _nextRefresh, startedAt + (long)(options.Value.RefreshInterval.TotalSeconds * time.TimestampFrequency));
            Volatile.Write(ref _refreshing, 0);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not look for users moved into fan buckets; looking again at the next interval")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
