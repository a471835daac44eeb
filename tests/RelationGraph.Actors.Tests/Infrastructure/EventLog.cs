namespace RelationGraph.Actors.Tests.Infrastructure;

/// <summary>
/// An append-only record of occurrences of one kind of event. Tests await the n-th occurrence instead of sleeping:
/// the task of occurrence n exists before the event happens and completes when it does.
/// </summary>
public sealed class EventLog<T>
{
    private readonly Lock _lock = new();
    private readonly List<TaskCompletionSource<T>> _occurrences = [];
    private readonly List<T> _values = [];

    /// <summary>How many times the event happened.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _values.Count;
            }
        }
    }

    /// <summary>The values recorded so far, in order.</summary>
    public IReadOnlyList<T> Values
    {
        get
        {
            lock (_lock)
            {
                return [.. _values];
            }
        }
    }

    /// <summary>Records one occurrence.</summary>
    public void Add(T value)
    {
        TaskCompletionSource<T> occurrence;
        lock (_lock)
        {
            occurrence = Slot(_values.Count);
            _values.Add(value);
        }

        occurrence.TrySetResult(value);
    }

    /// <summary>Completes with the value of occurrence <paramref name="index"/> (zero-based) once it has happened.</summary>
    public Task<T> Occurrence(int index)
    {
        lock (_lock)
        {
            return Slot(index).Task;
        }
    }

    private TaskCompletionSource<T> Slot(int index)
    {
        while (_occurrences.Count <= index)
        {
            _occurrences.Add(new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        return _occurrences[index];
    }
}
