namespace RelationGraph.Abstractions;

/// <summary>
/// The user has used up a write rate limit (follows, unfollows, friend requests or blocks per user). Nothing was written.
/// Retry after <see cref="RetryAfter"/>.
/// </summary>
[GenerateSerializer, Alias("RelationGraph.RateLimitedException")]
public sealed class RateLimitedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RateLimitedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RateLimitedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RateLimitedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>How long until the limit lets the same write through again.</summary>
    [Id(0)]
    public TimeSpan RetryAfter { get; init; }
}
