using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Runtime;

/// <summary>
/// One activation of a grain: the grain instance, its mailbox and its life cycle. Requests are executed one at a
/// time in arrival order by one turn loop, which runs only while there is work (so an idle activation holds no task);
/// <see cref="AlwaysInterleaveAttribute"/> methods bypass the mailbox.
/// </summary>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly Queue<WorkItem> _mailbox = new(); // Guarded by _lock, like everything the turn loop decides on.
    private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<WorkItem, Task>? _interleaved; // Guarded by _lock; only while interleaved calls run, as most activations sit idle.
    private readonly Lock _lock = new();
    private readonly Catalog _catalog;
    private readonly Type _grainClass;
    private readonly ILogger _logger;
    private ActivationState _state = ActivationState.Created;
    private DeactivationReason _deactivationReason;
    private bool _deactivateOnIdle;
    private bool _turnsRunning;
    private int _inFlight;
    private long _lastUsedAt;
    private long _calls;
    private Grain? _grain;

    public ActivationData(GrainId grainId, Type grainClass, Catalog catalog, ILogger logger)
    {
        GrainId = grainId;
        _grainClass = grainClass;
        _catalog = catalog;
        _logger = logger;
        ActivatedAt = catalog.TimeProvider.GetUtcNow();
        _lastUsedAt = ActivatedAt.UtcTicks;
    }

    private enum ActivationState { Created, Activating, Valid, Deactivating, Invalid }

    public GrainId GrainId { get; }

    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    public DateTimeOffset ActivatedAt { get; }

    /// <summary>Completes when the activation has run <see cref="Grain.OnDeactivateAsync"/> and left the catalog.</summary>
    public Task Deactivated => _deactivated.Task;

    public ActivationInfo GetInfo() =>
        new(GrainId, ActivatedAt, new DateTimeOffset(Interlocked.Read(ref _lastUsedAt), TimeSpan.Zero), Interlocked.Read(ref _calls));

    /// <summary>Queues <paramref name="item"/>; false when the activation is deactivating and the caller needs a new one.</summary>
    public bool TryDeliver(WorkItem item)
    {
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return false;
            }

            if (_state == ActivationState.Created)
            {
                // The activating task runs the first turns, so no other turn loop may start meanwhile.
                _state = ActivationState.Activating;
                _turnsRunning = true;
                _ = Task.Run(RunAsync);
            }

            Interlocked.Increment(ref _inFlight);
            if (item.Call.Method.AlwaysInterleave)
            {
                // Registered before it starts, so its own removal can never run first and leave the entry behind.
                var run = new Task<Task>(() => RunInterleavedAsync(item));
                (_interleaved ??= [])[item] = run.Unwrap();
                run.Start(TaskScheduler.Default);
            }
            else
            {
                _mailbox.Enqueue(item);
                StartTurns();
            }

            return true;
        }
    }

    public void DeactivateOnIdle() => _deactivateOnIdle = true;

    /// <summary>Starts deactivation when nothing is in flight and the last request finished before <paramref name="idleSince"/>.</summary>
    public bool TryCollect(DateTimeOffset idleSince)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Valid || Volatile.Read(ref _inFlight) > 0 || Interlocked.Read(ref _lastUsedAt) > idleSince.UtcTicks)
            {
                return false;
            }

            BeginDeactivation(DeactivationReason.IdleCollection);
            return true;
        }
    }

    /// <summary>Deactivates after the queued requests; used at shutdown.</summary>
    public Task DeactivateAsync(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (_state == ActivationState.Created)
            {
                _state = ActivationState.Invalid;
                _deactivated.TrySetResult();
                _catalog.OnDeactivated(this);
            }
            else if (_state is ActivationState.Activating or ActivationState.Valid)
            {
                BeginDeactivation(reason);
            }
        }

        return Deactivated;
    }

    /// <summary>Under <see cref="_lock"/>: refuses new requests; the turn loop finishes the deactivation once the mailbox is empty.</summary>
    private void BeginDeactivation(DeactivationReason reason)
    {
        _state = ActivationState.Deactivating;
        _deactivationReason = reason;
        StartTurns();
    }

    /// <summary>Under <see cref="_lock"/>: starts the turn loop unless it runs already (or activation does).</summary>
    private void StartTurns()
    {
        if (!_turnsRunning)
        {
            _turnsRunning = true;
            _ = Task.Run(RunTurnsAsync);
        }
    }

    private async Task RunAsync()
    {
        if (await ActivateAsync())
        {
            await RunTurnsAsync();
        }
        else
        {
            CompleteDeactivation();
        }
    }

    /// <summary>Executes queued requests until none is left; then stops, or, when deactivating, deactivates.</summary>
    private async Task RunTurnsAsync()
    {
        while (true)
        {
            WorkItem? item;
            lock (_lock)
            {
                if (!_mailbox.TryDequeue(out item))
                {
                    _turnsRunning = _state == ActivationState.Deactivating;
                    if (!_turnsRunning)
                    {
                        return;
                    }
                }
            }

            if (item is null)
            {
                await DeactivateGrainAsync();
                return;
            }

            await ExecuteAsync(item);
            if (_deactivateOnIdle)
            {
                lock (_lock)
                {
                    if (_state == ActivationState.Valid)
                    {
                        BeginDeactivation(DeactivationReason.ApplicationRequested);
                    }
                }
            }
        }
    }

    private async Task DeactivateGrainAsync()
    {
        Task[] interleaved;
        lock (_lock)
        {
            interleaved = _interleaved?.Values.ToArray() ?? [];
        }

        await Task.WhenAll(interleaved);
        try
        {
            await _grain!.OnDeactivateAsync(_deactivationReason, CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogDeactivationFailed(_logger, exception, GrainId);
        }

        CompleteDeactivation();
    }

    private void CompleteDeactivation()
    {
        lock (_lock)
        {
            _state = ActivationState.Invalid;
        }

        LogDeactivated(_logger, GrainId, _deactivationReason);
        _catalog.OnDeactivated(this);
        _deactivated.TrySetResult();
    }

    private async Task<bool> ActivateAsync()
    {
        try
        {
            _grain = (Grain)ActivatorUtilities.CreateInstance(_catalog.Services, _grainClass);
            _grain.Attach(this);
            await _grain.OnActivateAsync(CancellationToken.None);
            lock (_lock)
            {
                if (_state == ActivationState.Activating)
                {
                    _state = ActivationState.Valid;
                }
            }

            LogActivated(_logger, GrainId);
            _activated.TrySetResult();
            return true;
        }
        catch (Exception exception)
        {
            LogActivationFailed(_logger, exception, GrainId);
            lock (_lock)
            {
                BeginDeactivation(DeactivationReason.ActivationFailed);
            }

            _activated.TrySetException(exception);
            WorkItem[] queued;
            lock (_lock)
            {
                queued = [.. _mailbox];
                _mailbox.Clear();
            }

            foreach (var item in queued)
            {
                item.Fail(exception);
            }

            return false;
        }
    }

    private async Task RunInterleavedAsync(WorkItem item)
    {
        try
        {
            await _activated.Task;
        }
        catch (Exception exception)
        {
            item.Fail(exception);
            Interlocked.Decrement(ref _inFlight);
            ForgetInterleaved(item);
            return;
        }

        await ExecuteAsync(item);
        ForgetInterleaved(item);
    }

    private void ForgetInterleaved(WorkItem item)
    {
        lock (_lock)
        {
            _interleaved!.Remove(item);
            if (_interleaved.Count == 0)
            {
                _interleaved = null;
            }
        }
    }

    private async Task ExecuteAsync(WorkItem item)
    {
        try
        {
            item.Complete(await item.Call.Method.Invoke(_grain!, item.Call.Arguments));
        }
        catch (Exception exception)
        {
            item.Fail(exception);
        }
        finally
        {
            Interlocked.Exchange(ref _lastUsedAt, _catalog.TimeProvider.GetUtcNow().UtcTicks);
            Interlocked.Increment(ref _calls);
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
