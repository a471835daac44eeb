namespace RelationGraph.Actors;

/// <summary>A grain on another silo threw an exception whose type cannot be recreated here; it keeps the type name and message.</summary>
public sealed class RemoteGrainException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteGrainException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RemoteGrainException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RemoteGrainException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The full name of the exception type the grain threw.</summary>
    public string? RemoteType { get; init; }
}
