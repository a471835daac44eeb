namespace RelationGraph.Abstractions;

/// <summary>
/// A follow or friend request was refused, and nothing written, because a block stands between the two users: the
/// target blocks the actor (<see cref="BlockedByTarget"/>, HTTP 403), or the actor blocks the target and must unblock
/// first (HTTP 409).
/// </summary>
[GenerateSerializer, Alias("RelationGraph.RelationBlockedException")]
public sealed class RelationBlockedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RelationBlockedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RelationBlockedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RelationBlockedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>True when the target blocks the actor; false when the actor blocks the target.</summary>
    [Id(0)]
    public bool BlockedByTarget { get; init; }

    /// <summary>The refusal of <paramref name="actor"/>'s action towards <paramref name="target"/>.</summary>
    public static RelationBlockedException Of(UserId actor, UserId target, bool blockedByTarget) =>
        new(blockedByTarget
            ? $"User {target} blocks user {actor}."
            : $"User {actor} blocks user {target}; unblock first.")
        {
            BlockedByTarget = blockedByTarget,
        };
}
