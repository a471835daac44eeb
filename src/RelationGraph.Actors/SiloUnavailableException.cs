namespace RelationGraph.Actors;

/// <summary>The silo that should handle a call could not be reached, or its connection broke before the response came. The call may or may not have run.</summary>
public sealed class SiloUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SiloUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SiloUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
