using RelationGraph.Actors.Membership;

namespace RelationGraph.Actors.Runtime;

/// <summary>
/// Runs one long-lived worker per key that this silo owns, ownership being rendezvous placement of the key over the
/// active silos (like a grain). Keys spread evenly, move to the survivors when a silo dies, and need no coordination;
/// while views differ two silos may briefly run the same key, so workers must tolerate that. A killed silo stops all.
/// </summary>
/// <typeparam name="TKey">What a worker works on, for example a queue.</typeparam>
public sealed class PlacedWorkers<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, (CancellationTokenSource Stop, Task Run)> _running = [];
    private readonly string _kind;
    private readonly MembershipView _membership;
    private readonly LocalSiloDetails _local;
    private readonly SiloControl _control;

    /// <summary>Creates the set; <paramref name="kind"/> names the placement namespace, so different worker kinds spread independently.</summary>
    public PlacedWorkers(string kind, MembershipView membership, LocalSiloDetails local, SiloControl control)
    {
        (_kind, _membership, _local, _control) = (kind, membership, local, control);
        control.Killed += () => _ = StopAllAsync();
    }

    /// <summary>Starts <paramref name="run"/> for each of <paramref name="keys"/> this silo now owns and stops the workers of keys it lost.</summary>
    public void Rebalance(IEnumerable<TKey> keys, Func<TKey, string> name, Func<TKey, CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        var active = _membership.Current.ActiveSilos;
        if (active.Count == 0 || _control.IsKilled)
        {
            return; // Not joined yet, or gone.
        }

        lock (_running)
        {
            var owned = keys.Where(k => GrainPlacement.Place(new GrainId(_kind, name(k)), active) == _local.Address).ToHashSet();
            foreach (var key in owned.Where(k => !_running.ContainsKey(k)))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                _running[key] = (stop, Task.Run(() => run(key, stop.Token), CancellationToken.None));
            }

            foreach (var lost in _running.Keys.Where(k => !owned.Contains(k)).ToList())
            {
                _running[lost].Stop.Cancel();
                _running.Remove(lost);
            }
        }
    }

    /// <summary>Stops every worker and waits for them.</summary>
    public async Task StopAllAsync()
    {
        List<Task> runs;
        lock (_running)
        {
            foreach (var (stop, _) in _running.Values)
            {
                stop.Cancel();
            }

            runs = _running.Values.Select(r => r.Run).ToList();
            _running.Clear();
        }

        await Task.WhenAll(runs);
    }
}
