namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>A stream queue stayed over its bound for longer than producers may wait. Safe to retry later.</summary>
public sealed class StreamQueueFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamQueueFullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StreamQueueFullException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public StreamQueueFullException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
