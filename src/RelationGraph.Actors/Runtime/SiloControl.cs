namespace RelationGraph.Actors.Runtime;

/// <summary>
/// Lets a test cluster kill a silo: <see cref="Kill"/> drops every connection at once and makes the shutdown that
/// follows skip everything graceful (no membership update, no deactivation), as if the process had died.
/// </summary>
public sealed class SiloControl
{
    /// <summary>Raised once, when the silo is killed.</summary>
    public event Action? Killed;

    /// <summary>Whether the silo was killed.</summary>
    public bool IsKilled { get; private set; }

    /// <summary>Kills the silo's networking and marks it dead to its own components.</summary>
    public void Kill()
    {
        if (IsKilled)
        {
            return;
        }

        IsKilled = true;
        Killed?.Invoke();
    }
}
