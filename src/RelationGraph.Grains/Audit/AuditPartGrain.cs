using Microsoft.Extensions.Logging;
using RelationGraph.Abstractions.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// What the parts of a run share: a grain timer that works in steps while the part is unfinished (kept alive, and
/// restarted on activation, so a part resumes on another silo when its own dies), the checkpoint saved after each step,
/// repairs saved before they are applied, up to <see cref="MaxFailures"/> failed steps in a row, and progress reported to
/// the run's coordinator.
/// </summary>
public abstract partial class AuditPartGrain<TState>(IPersistentState<TState> state, AuditChecker checker, AuditMetrics metrics, ILogger logger, string check)
    : Grain, IAuditPartGrain
    where TState : AuditPartState
{
    private const int MaxFailures = 20;
    private IGrainTimer? _timer;

    protected TState State
    {
        get => state.State;
        set => state.State = value;
    }

    protected AuditChecker Checker => checker;

    /// <summary>Whether the part has done all its work for the current run.</summary>
    protected abstract bool Finished { get; }

    /// <summary>Tombstones the part purged in the current run.</summary>
    protected virtual long Purged => 0;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        StartTimerIfRunning();
        return Task.CompletedTask;
    }

    public async Task StartAsync(string runId, int part, long first, long last)
    {
        if (State.RunId != runId)
        {
            await BeginAsync(runId, part, first, last);
            await state.WriteStateAsync();
        }

        StartTimerIfRunning();
    }

    public Task EnsureRunningAsync()
    {
        StartTimerIfRunning();
        return _timer is null && State.RunId is not null ? ReportAsync() : Task.CompletedTask;
    }

    /// <summary>Sets the state up for a new run.</summary>
    protected abstract Task BeginAsync(string runId, int part, long first, long last);

    /// <summary>One step of work; the checkpoint is saved after it.</summary>
    protected abstract Task StepAsync(CancellationToken cancellationToken);

    /// <summary>Called when the timer starts (again) on this activation.</summary>
    protected virtual void OnResuming()
    {
    }

    /// <summary>Called after a failed step, before the next one starts again from the saved checkpoint.</summary>
    protected virtual void OnStepFailed()
    {
    }

    protected Task WriteStateAsync(CancellationToken cancellationToken) => state.WriteStateAsync(cancellationToken);

    /// <summary>Counts what a step scanned and found in the audit metrics.</summary>
    protected void RecordScan(long scanned, AuditCounts found) => metrics.Record(check, scanned, found, AuditCounts.None);

    /// <summary>Saves the findings with the checkpoint before repairing, so a repair interrupted by a crash is redone, not lost or counted twice.</summary>
    protected async Task RecordAndRepairAsync(AuditCounts found, PendingRepairs pending, CancellationToken cancellationToken)
    {
        State.Found = State.Found.Add(found);
        if (pending.IsEmpty)
        {
            return;
        }

        State.Pending = pending;
        await state.WriteStateAsync(cancellationToken);
        await ApplyPendingAsync(cancellationToken);
    }

    private void StartTimerIfRunning()
    {
        if (_timer is null && State.RunId is not null && !Finished)
        {
            OnResuming();
            _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(1)) { KeepAlive = true });
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var s = State;
        try
        {
            await ApplyPendingAsync(cancellationToken);
            await StepAsync(cancellationToken);
            s.Failures = 0;
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A shard that is down, say: the next tick starts again from the checkpoint.
            OnStepFailed();
            s.Failures++;
            LogStepFailed(logger, exception, check, s.RunId, s.Part, s.Failures);
            if (s.Failures < MaxFailures)
            {
                return;
            }
        }

        if (Finished || s.Failures >= MaxFailures)
        {
            _timer?.Dispose();
            _timer = null;
        }

        await ReportAsync();
    }

    private Task ReportAsync()
    {
        var s = State;
        return GrainFactory.GetGrain<IAuditRunGrain>(s.RunId!.Split('-')[0])
            .ReportAsync(s.RunId, s.Part, new AuditPartProgress(s.Scanned, s.Found, s.Repaired, Purged, Finished, s.Failures >= MaxFailures));
    }

    private async Task ApplyPendingAsync(CancellationToken cancellationToken)
    {
        if (State.Pending.IsEmpty)
        {
            return;
        }

        var repaired = await checker.RepairAsync(State.Pending, cancellationToken);
        State.Repaired = State.Repaired.Add(repaired);
        State.Pending = new();
        metrics.Record(check, 0, AuditCounts.None, repaired);
        await state.WriteStateAsync(cancellationToken);
    }
}
