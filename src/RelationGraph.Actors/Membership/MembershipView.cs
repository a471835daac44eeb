namespace RelationGraph.Actors.Membership;

/// <summary>Holds this process's current <see cref="ClusterView"/> and tells subscribers when it changes.</summary>
public sealed class MembershipView
{
    private ClusterView _current = ClusterView.Empty;

    /// <summary>Raised after the view changed.</summary>
    public event Action<ClusterView>? Changed;

    /// <summary>The current view.</summary>
    public ClusterView Current => Volatile.Read(ref _current);

    /// <summary>Completes once the view satisfies <paramref name="condition"/> (at once if it already does).</summary>
    public async Task<ClusterView> WaitForAsync(Func<ClusterView, bool> condition, CancellationToken cancellationToken)
    {
        var satisfied = new TaskCompletionSource<ClusterView>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(ClusterView view)
        {
            if (condition(view))
            {
                satisfied.TrySetResult(view);
            }
        }

        Changed += Check;
        try
        {
            Check(Current);
            return await satisfied.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Changed -= Check;
        }
    }

    /// <summary>Replaces the view when <paramref name="view"/> is newer.</summary>
    public void Update(ClusterView view)
    {
        var previous = Current;
        if (view.Version <= previous.Version && view.Version >= 0)
        {
            return;
        }

        Volatile.Write(ref _current, view);
        Changed?.Invoke(view);
    }
}
