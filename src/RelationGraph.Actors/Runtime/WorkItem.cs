namespace RelationGraph.Actors.Runtime;

internal sealed class WorkItem(GrainCall call)
{
    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainCall Call { get; } = call;

    public Task<object?> Completion => _completion.Task;

    public void Complete(object? result) => _completion.TrySetResult(result);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
