using System.Collections.Concurrent;
using Npgsql;

namespace RelationGraph.Persistence.Outbox;

/// <summary>
/// Wakes this silo's receiver of a queue as soon as an event appended in this process has committed, so an idle
/// receiver need not poll often to deliver quickly. Events appended by other silos are found by polling.
/// </summary>
public sealed class StreamQueueSignals
{
    private readonly ConcurrentDictionary<(NpgsqlDataSource, int), SemaphoreSlim> _signals = new();

    /// <summary>Tells the agent of <paramref name="queue"/> in <paramref name="database"/>, if it runs here, that events are waiting.</summary>
    public void Signal(NpgsqlDataSource database, int queue)
    {
        if (_signals.TryGetValue((database, queue), out var signal) && signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Signalled by someone else in between; one pending wake-up is enough.
            }
        }
    }

    /// <summary>Waits until the queue is signalled (true) or <paramref name="timeout"/> passes (false).</summary>
    public Task<bool> WaitAsync(NpgsqlDataSource database, int queue, TimeSpan timeout, CancellationToken cancellationToken) =>
        _signals.GetOrAdd((database, queue), _ => new SemaphoreSlim(0, 1)).WaitAsync(timeout, cancellationToken);
}
