using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence.Audit;

namespace RelationGraph.Grains.Audit;

/// <summary>
/// Coordinates the runs of one kind: starts a run's parts (full: a grain per segment of the follower ids; incremental: a
/// grain per shard), sums what they report into the run object, and keeps the runs in grain storage. Its schedule
/// reminder starts runs; while a run is going, a second reminder reactivates parts whose silo died, from their checkpoints.
/// </summary>
public sealed partial class AuditRunGrain(
    [PersistentState("audit-runs", AuditOptions.GrainStorageName)] IPersistentState<AuditRunsState> state,
    AuditStore store,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditRunGrain> logger)
    : Grain, IAuditRunGrain, IRemindable
{
    private const string ScheduleReminder = "audit-schedule";
    private const string ResumeReminder = "audit-resume";

    private AuditKind Kind => Enum.Parse<AuditKind>(this.GetPrimaryKeyString(), ignoreCase: true);

    private AuditRun? Current => state.State.Runs is [{ State: AuditRunState.Running } run, ..] ? run : null;

    public async Task<AuditRun> StartAsync()
    {
        if (Current is { } running)
        {
            throw new AuditRunConflictException($"Audit run {running.RunId} is already running.") { RunningRunId = running.RunId };
        }

        var kind = Kind;
        var number = state.State.LastNumber + 1;
        var runId = string.Create(CultureInfo.InvariantCulture, $"{this.GetPrimaryKeyString()}-{number}");
        var parts = kind == AuditKind.Full ? await SegmentsAsync() : store.Shards.All.Select(s => (First: (long)s.Database.ShardId, Last: (long)s.Database.ShardId)).ToList();
        var run = new AuditRun(runId, kind, AuditRunState.Running, time.GetUtcNow(), null, 0, AuditCounts.None, AuditCounts.None, 0, 0, 0);
        state.State.LastNumber = number;
        state.State.Runs.Insert(0, run);
        if (state.State.Runs.Count > options.Value.History)
        {
            state.State.Runs.RemoveRange(options.Value.History, state.State.Runs.Count - options.Value.History);
        }

        state.State.Parts = [];
        state.State.PartKeys = [.. parts.Select((p, i) => kind == AuditKind.Full
            ? string.Create(CultureInfo.InvariantCulture, $"{runId}/{i}")
            : p.First.ToString(CultureInfo.InvariantCulture))];
        await state.WriteStateAsync();
        LogStarted(logger, runId, parts.Count);

        if (parts.Count == 0)
        {
            await FinishAsync();
            return state.State.Runs[0];
        }

        await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumePeriod, options.Value.ResumePeriod);
        for (var i = 0; i < parts.Count; i++)
        {
            await Part(i).StartAsync(runId, i, parts[i].First, parts[i].Last);
        }

        return state.State.Runs[0];
    }

    public Task<AuditRun?> GetRunAsync(string runId) => Task.FromResult(state.State.Runs.FirstOrDefault(r => r.RunId == runId));

    public Task<IReadOnlyList<AuditRun>> GetRunsAsync(int limit) => Task.FromResult<IReadOnlyList<AuditRun>>([.. state.State.Runs.Take(limit)]);

    public async Task ReportAsync(string runId, int part, AuditPartProgress progress)
    {
        if (Current?.RunId != runId)
        {
            return;
        }

        state.State.Parts[part] = progress;
        var parts = state.State.Parts.Values;
        var elapsed = (time.GetUtcNow() - Current.StartedAt).TotalSeconds;
        var scanned = parts.Sum(p => p.Scanned);
        state.State.Runs[0] = Current with
        {
            Scanned = scanned,
            Found = parts.Aggregate(AuditCounts.None, (sum, p) => sum.Add(p.Found)),
            Repaired = parts.Aggregate(AuditCounts.None, (sum, p) => sum.Add(p.Repaired)),
            Purged = parts.Sum(p => p.Purged),
            EdgesPerSecond = elapsed > 0 ? scanned / elapsed : 0,
            Progress = (double)parts.Count(p => p.Finished) / Math.Max(1, state.State.PartKeys.Count),
        };

        if (parts.Any(p => p.Failed))
        {
            await FinishAsync(AuditRunState.Failed);
        }
        else if (state.State.Parts.Count == state.State.PartKeys.Count && parts.All(p => p.Finished))
        {
            await FinishAsync();
        }
        else
        {
            await state.WriteStateAsync();
        }
    }

    public async Task EnsureScheduledAsync()
    {
        var period = Kind == AuditKind.Full ? options.Value.FullInterval : options.Value.IncrementalInterval;
        // Registering again would restart the period from now: a cluster restarted more often than daily would never run.
        if (state.State.SchedulePeriod != period || await this.GetReminder(ScheduleReminder) is null)
        {
            await this.RegisterOrUpdateReminder(ScheduleReminder, period, period);
            state.State.SchedulePeriod = period;
            await state.WriteStateAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ScheduleReminder && Current is null)
        {
            await StartAsync();
        }
        else if (reminderName == ResumeReminder)
        {
            if (Current is null)
            {
                await UnregisterResumeAsync();
                return;
            }

            // A part whose silo died has no activation until something calls it; this call recreates it from its checkpoint.
            for (var i = 0; i < state.State.PartKeys.Count; i++)
            {
                if (!state.State.Parts.TryGetValue(i, out var progress) || !progress.Finished)
                {
                    await Part(i).EnsureRunningAsync();
                }
            }
        }
    }

    private IAuditPartGrain Part(int index) => Kind == AuditKind.Full
        ? GrainFactory.GetGrain<IFullScanGrain>(state.State.PartKeys[index])
        : GrainFactory.GetGrain<IIncrementalScanGrain>(state.State.PartKeys[index]);

    private async Task FinishAsync(AuditRunState outcome = AuditRunState.Completed)
    {
        var run = state.State.Runs[0] with { State = outcome, FinishedAt = time.GetUtcNow(), Progress = outcome == AuditRunState.Completed ? 1 : state.State.Runs[0].Progress };
        state.State.Runs[0] = run;
        await state.WriteStateAsync();
        await UnregisterResumeAsync();
        LogFinished(logger, run.RunId, outcome, run.Scanned, run.Found.Total, run.Repaired.Total, run.EdgesPerSecond);
        if (run.Scanned > 0 && (double)run.Found.Total / run.Scanned > options.Value.WarningRate)
        {
            LogInconsistent(logger, run.RunId, (double)run.Found.Total / run.Scanned, options.Value.WarningRate, run.Found);
        }
    }

    private async Task UnregisterResumeAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Segments of the follower ids with edges, evenly split; the first and last are open-ended.</summary>
    private async Task<List<(long First, long Last)>> SegmentsAsync()
    {
        if (await store.FollowerRangeAsync(CancellationToken.None) is not var (first, last))
        {
            return [];
        }

        var count = options.Value.Segments > 0 ? options.Value.Segments : store.Shards.All.Count;
        var width = Math.Max(1, (last - first + 1) / count);
        var segments = new List<(long, long)>(count);
        var start = 1L;
        for (var i = 0; i < count; i++)
        {
            var end = i == count - 1 ? long.MaxValue : first + (width * (i + 1)) - 1;
            if (end >= start)
            {
                segments.Add((start, end));
                start = end + 1;
            }
        }

        return segments;
    }

    [LoggerMessage(1, LogLevel.Information, "Audit run {RunId} started with {Parts} parts")]
    private static partial void LogStarted(ILogger logger, string runId, int parts);

    [LoggerMessage(2, LogLevel.Information, "Audit run {RunId} {Outcome}: {Scanned} edges compared, {Found} divergences found, {Repaired} repaired, {Rate:F0} edges/s")]
    private static partial void LogFinished(ILogger logger, string runId, AuditRunState outcome, long scanned, long found, long repaired, double rate);

    [LoggerMessage(3, LogLevel.Warning, "Audit run {RunId} found an inconsistency rate of {Rate:P4}, above the {Threshold:P4} threshold: {Found}")]
    private static partial void LogInconsistent(ILogger logger, string runId, double rate, double threshold, AuditCounts found);
}
