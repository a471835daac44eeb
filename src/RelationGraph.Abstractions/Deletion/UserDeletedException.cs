namespace RelationGraph.Abstractions.Deletion;

/// <summary>
/// The user named by <see cref="UserId"/> is deleted, or being deleted: their lists cannot be read, and no relation to or
/// from them can be written (HTTP 410). Nothing was written.
/// </summary>
[GenerateSerializer, Alias("RelationGraph.UserDeletedException")]
public sealed class UserDeletedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UserDeletedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UserDeletedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UserDeletedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The deleted user.</summary>
    [Id(0)]
    public long UserId { get; init; }

    /// <summary>The exception for <paramref name="user"/>.</summary>
    public static UserDeletedException Of(UserId user) => new($"User {user} is deleted.") { UserId = user.Value };
}
