namespace RelationGraph.Actors.Tests.Infrastructure;

/// <summary>Bounded waits for conditions signalled through tasks; no test sleeps.</summary>
public static class TestWait
{
    /// <summary>How long a test waits for something that should happen promptly before failing.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Waits for <paramref name="task"/>, failing with <see cref="TimeoutException"/> after <see cref="Timeout"/>.</summary>
    public static Task WithTimeout(this Task task) => task.WaitAsync(Timeout, TestContext.Current.CancellationToken);

    /// <summary>Waits for <paramref name="task"/>, failing with <see cref="TimeoutException"/> after <see cref="Timeout"/>.</summary>
    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(Timeout, TestContext.Current.CancellationToken);

    /// <summary>Waits for <paramref name="task"/>, failing with <see cref="TimeoutException"/> after <see cref="Timeout"/>.</summary>
    public static Task WithTimeout(this ValueTask task) => task.AsTask().WithTimeout();

    /// <summary>Waits for <paramref name="task"/>, failing with <see cref="TimeoutException"/> after <see cref="Timeout"/>.</summary>
    public static Task<T> WithTimeout<T>(this ValueTask<T> task) => task.AsTask().WithTimeout();

    /// <summary>
    /// Calls <paramref name="call"/> until it answers, at most <paramref name="attempts"/> times. For silos with a short
    /// response timeout: on a loaded machine one healthy call may miss it (first-call JIT, a busy thread pool), while a
    /// wedged grain misses it every time.
    /// </summary>
    public static async Task<T> RetryOnTimeoutAsync<T>(Func<Task<T>> call, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().WithTimeout();
            }
            catch (TimeoutException) when (attempt < attempts)
            {
            }
        }
    }
}
