using RelationGraph.Abstractions;

namespace RelationGraph.Grains;

/// <summary>One user's write limits, kept by the user's grain that makes those writes (<see cref="RateLimitOptions"/>).</summary>
internal sealed class UserRateLimiter(UserId user, RateLimitOptions options, RateLimitMetrics metrics, TimeProvider timeProvider)
{
    /// <summary>
    /// Takes one <paramref name="kind"/> write, or throws <see cref="RateLimitedException"/> before anything is read or
    /// written; asks the grain through <paramref name="delayDeactivation"/> to stay active as long as <see cref="Acquire"/>
    /// says the daily caps need.
    /// </summary>
    public void Take(UserWriteKind kind, Action<TimeSpan> delayDeactivation)
    {
        var keep = Acquire(kind);
        if (keep > TimeSpan.Zero)
        {
            delayDeactivation(keep);
        }
    }

    private readonly Dictionary<UserWriteKind, (TokenBucket Burst, TokenBucket Daily)> _buckets = [];

    /// <summary>
    /// Takes one <paramref name="kind"/> write from the user's limits, or throws <see cref="RateLimitedException"/> and takes
    /// nothing. Answers how long the activation should stay for the daily caps to hold: a new activation starts with full
    /// buckets, which forgives what was used today. That matters only once a user has written more than a burst in a day,
    /// so only such users are kept (zero otherwise).
    /// </summary>
    public TimeSpan Acquire(UserWriteKind kind)
    {
        if (!options.Enabled)
        {
            return TimeSpan.Zero;
        }

        var limit = options.For(kind);
        var now = timeProvider.GetUtcNow();
        if (!_buckets.TryGetValue(kind, out var buckets))
        {
            buckets = (new TokenBucket(limit.Burst, limit.PerSecond, now), new TokenBucket(limit.PerDay, limit.PerDay / TimeSpan.FromDays(1).TotalSeconds, now));
        }

        var wait = TimeSpan.FromTicks(Math.Max(buckets.Burst.WaitAt(now).Ticks, buckets.Daily.WaitAt(now).Ticks));
        if (wait > TimeSpan.Zero)
        {
            _buckets[kind] = buckets;
            metrics.RecordRejection(kind);
            throw new RateLimitedException(
                $"User {user} has made too many {Describe(kind)} requests; try again in {Math.Ceiling(wait.TotalSeconds):0} s " +
                $"(limit: {limit.Burst} at once, {limit.PerSecond:0.###} a second, {limit.PerDay} a day).")
            {
                RetryAfter = wait,
            };
        }

        buckets.Burst.Take();
        buckets.Daily.Take();
        _buckets[kind] = buckets;
        return _buckets
            .Where(b => b.Value.Daily.Used > options.For(b.Key).Burst)
            .Select(b => b.Value.Daily.UntilFull)
            .DefaultIfEmpty(TimeSpan.Zero)
            .Max();
    }

    private static string Describe(UserWriteKind kind) => kind switch
    {
        UserWriteKind.FriendRequest => "friend",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
