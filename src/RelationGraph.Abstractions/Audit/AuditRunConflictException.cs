namespace RelationGraph.Abstractions.Audit;

/// <summary>A run of that kind is already running; nothing was started.</summary>
[GenerateSerializer, Alias("RelationGraph.AuditRunConflictException")]
public sealed class AuditRunConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditRunConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AuditRunConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public AuditRunConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The run already running.</summary>
    [Id(0)]
    public string? RunningRunId { get; init; }
}
