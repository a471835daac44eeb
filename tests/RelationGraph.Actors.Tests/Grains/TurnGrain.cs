namespace RelationGraph.Actors.Tests.Grains;

public interface ITurnGrain : IGrainWithIntegerKey
{
    /// <summary>Reads the counter, awaits, writes counter + 1: loses updates unless requests run one at a time.</summary>
    Task<int> IncrementAcrossAwait();

    Task<int> GetCount();

    /// <summary>The most requests seen inside <see cref="IncrementAcrossAwait"/> or <see cref="Append"/> at the same time.</summary>
    Task<int> GetMaxConcurrency();

    /// <summary>Awaits, then appends <paramref name="value"/> to the log.</summary>
    Task Append(int value);

    Task<int[]> GetLog();
}

public sealed class TurnGrain : Grain, ITurnGrain
{
    private readonly List<int> _log = [];
    private int _count;
    private int _running;
    private int _maxConcurrency;

    public async Task<int> IncrementAcrossAwait()
    {
        Enter();
        try
        {
            var count = _count;
            await Task.Yield();
            await Task.Delay(1);
            _count = count + 1;
            return _count;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public Task<int> GetCount() => Task.FromResult(_count);

    public Task<int> GetMaxConcurrency() => Task.FromResult(Volatile.Read(ref _maxConcurrency));

    public async Task Append(int value)
    {
        Enter();
        try
        {
            await Task.Yield();
            lock (_log)
            {
                _log.Add(value);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public Task<int[]> GetLog()
    {
        lock (_log)
        {
            return Task.FromResult(_log.ToArray());
        }
    }

    private void Enter()
    {
        var running = Interlocked.Increment(ref _running);
        int max;
        while (running > (max = Volatile.Read(ref _maxConcurrency)) && Interlocked.CompareExchange(ref _maxConcurrency, running, max) != max)
        {
        }
    }
}
