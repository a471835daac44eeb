namespace RelationGraph.Actors.Tests.Grains;

/// <summary>The exception <see cref="ThrowingGrain"/> throws; a type the runtime cannot know.</summary>
public sealed class GrainTestException : Exception
{
    public GrainTestException()
    {
    }

    public GrainTestException(string message) : base(message)
    {
    }

    public GrainTestException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

public interface IThrowingGrain : IGrainWithIntegerKey
{
    /// <summary>Throws after an await point.</summary>
    Task ThrowAfterAwait(string message);

    /// <summary>Throws before returning a task.</summary>
    Task<int> ThrowSynchronously(string message);

    ValueTask<int> ThrowFromValueTask(string message);

    Task<int> CountCalls();
}

public sealed class ThrowingGrain : Grain, IThrowingGrain
{
    private int _calls;

    public async Task ThrowAfterAwait(string message)
    {
        _calls++;
        await Task.Yield();
        throw new GrainTestException(message);
    }

    public Task<int> ThrowSynchronously(string message)
    {
        _calls++;
        throw new ArgumentOutOfRangeException(nameof(message), message);
    }

    public async ValueTask<int> ThrowFromValueTask(string message)
    {
        _calls++;
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    public Task<int> CountCalls() => Task.FromResult(++_calls);
}
