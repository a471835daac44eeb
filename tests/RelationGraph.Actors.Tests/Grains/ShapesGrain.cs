using RelationGraph.Actors.Tests.Infrastructure;

namespace RelationGraph.Actors.Tests.Grains;

/// <summary>Every supported return shape, and cancellation tokens as arguments.</summary>
public interface IShapesGrain : IGrainWithIntegerKey
{
    Task Add(int value);

    ValueTask AddValue(int value);

    ValueTask<int> GetTotal();

    Task<int> GetTotalAsTask();

    Task<bool> IsCancellationRequested(CancellationToken cancellationToken);

    Task<bool> CanBeCanceled(CancellationToken cancellationToken);

    /// <summary>Raises the signal <c>waiting</c>, then completes when <paramref name="cancellationToken"/> is cancelled.</summary>
    Task<bool> WaitForCancellation(CancellationToken cancellationToken);
}

public interface INamedGrain : IGrainWithStringKey
{
    Task<string> GetKey();
}

public sealed class ShapesGrain(GrainProbe probe) : ProbedGrain(probe), IShapesGrain
{
    public const string Waiting = "waiting";

    private int _total;

    public async Task Add(int value)
    {
        await Task.Yield();
        _total += value;
    }

    public async ValueTask AddValue(int value)
    {
        await Task.Yield();
        _total += value;
    }

    public async ValueTask<int> GetTotal()
    {
        await Task.Yield();
        return _total;
    }

    public Task<int> GetTotalAsTask() => Task.FromResult(_total);

    public Task<bool> IsCancellationRequested(CancellationToken cancellationToken) => Task.FromResult(cancellationToken.IsCancellationRequested);

    public Task<bool> CanBeCanceled(CancellationToken cancellationToken) => Task.FromResult(cancellationToken.CanBeCanceled);

    public async Task<bool> WaitForCancellation(CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        Probe.Signal(Waiting, GrainId);
        await cancelled.Task;
        return cancellationToken.IsCancellationRequested;
    }
}

public sealed class NamedGrain : Grain, INamedGrain
{
    public Task<string> GetKey() => Task.FromResult(GetPrimaryKeyString());
}
