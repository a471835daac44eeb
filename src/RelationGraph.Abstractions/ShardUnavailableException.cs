namespace RelationGraph.Abstractions;

/// <summary>A storage shard needed by the call could not be reached; other shards may still serve. Safe to retry later.</summary>
[GenerateSerializer, Alias("RelationGraph.ShardUnavailableException")]
public sealed class ShardUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ShardUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ShardUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ShardUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The unavailable shard, when known.</summary>
    [Id(0)]
    public string? Shard { get; init; }
}
