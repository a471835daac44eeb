namespace RelationGraph.Abstractions;

/// <summary>
/// The service is applying back-pressure: the queue a write would add to stayed over its bound for longer than
/// writers may wait. Nothing was written. Safe to retry later.
/// </summary>
[GenerateSerializer, Alias("RelationGraph.OverloadedException")]
public sealed class OverloadedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OverloadedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OverloadedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OverloadedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
