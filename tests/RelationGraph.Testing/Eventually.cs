namespace RelationGraph.Testing;

/// <summary>Waits for a condition that nothing signals (a row in a table, a silo's view of the cluster) by checking it every 100 ms, up to a deadline.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> with <paramref name="describe"/>'s
    /// account of the last state when it still does not after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition(cancellationToken))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Not so after {timeout}: {describe()}");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }

    /// <summary>Returns <paramref name="read"/>'s first value that satisfies <paramref name="condition"/>; throws <see cref="TimeoutException"/> with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> ValueAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string description, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read(cancellationToken);
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{description}: not so after {timeout}; last seen {value}");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }
}
