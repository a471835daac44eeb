namespace RelationGraph.Abstractions;

/// <summary>The rules of a batch relation check, shared by the SDK (before any call) and the grain.</summary>
public static class RelationBatch
{
    /// <summary>The most users one batch takes.</summary>
    public const int MaxIds = 1000;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="others"/> holds 1 to <see cref="MaxIds"/> distinct users, none of them <paramref name="user"/>.</summary>
    public static void Validate(UserId user, IReadOnlyList<UserId> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        if (others.Count is < 1 or > MaxIds)
        {
            throw new ArgumentException($"ids must hold 1 to {MaxIds} users, not {others.Count}.", nameof(others));
        }

        var seen = new HashSet<UserId>();
        foreach (var other in others)
        {
            if (other.Value < 1)
            {
                throw new ArgumentException($"ids must be positive, not {other.Value}.", nameof(others));
            }

            if (other == user)
            {
                throw new ArgumentException($"ids must not hold the user's own id {user}.", nameof(others));
            }

            if (!seen.Add(other))
            {
                throw new ArgumentException($"ids holds {other} twice.", nameof(others));
            }
        }
    }
}
