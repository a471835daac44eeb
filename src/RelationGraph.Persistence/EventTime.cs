namespace RelationGraph.Persistence;

/// <summary>Event times at the storage's precision: microseconds since the Unix epoch, UTC.</summary>
public static class EventTime
{
    /// <summary>One tick of event time.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMicroseconds(1);

    /// <summary><paramref name="time"/> truncated to microseconds, in UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    internal static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    internal static DateTimeOffset FromMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
