namespace RelationGraph.Grains;

/// <summary>A token bucket refilled lazily from the clock: no timer, so an idle user's limiter costs nothing.</summary>
internal struct TokenBucket(double capacity, double perSecond, DateTimeOffset now)
{
    private double _used;
    private DateTimeOffset _updatedAt = now;

    /// <summary>Tokens missing from a full bucket, as of its last refill.</summary>
    public readonly double Used => _used;

    /// <summary>The time until the bucket is full again, as of its last refill.</summary>
    public readonly TimeSpan UntilFull => TimeSpan.FromSeconds(_used / perSecond);

    /// <summary>Refills the bucket up to <paramref name="now"/>, then the time until it holds a token (zero when it does).</summary>
    public TimeSpan WaitAt(DateTimeOffset now)
    {
        if (now > _updatedAt)
        {
            _used = Math.Max(0, _used - (now - _updatedAt).TotalSeconds * perSecond);
            _updatedAt = now;
        }

        var tokens = capacity - _used;
        return tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - tokens) / perSecond);
    }

    /// <summary>Takes a token; call after <see cref="WaitAt"/> answered zero.</summary>
    public void Take() => _used++;
}
