using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Grains.Audit;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;

namespace RelationGraph.Grains.Deletion;

/// <summary>
/// Deletes one user (the grain's key): marks the user on every shard, so no shard writes a relation naming them from then
/// on; waits for the writes that began before the marks; removes the user's rows in keyset pages, each with the other
/// users' copies and counts; waits for the fan-copy feeds to pass the end of the walk; then removes the user's counts and
/// what the change log and dead letters hold of them. Progress is saved after every step, a grain timer does the work,
/// and a reminder restarts it on another silo when this one dies. Every step is idempotent.
/// </summary>
public sealed partial class UserDeletionGrain(
    [PersistentState("user-deletion", AuditOptions.GrainStorageName)] IPersistentState<UserDeletionProgress> state,
    EdgeStore store,
    FanBucketMap bucketMap,
    DeletionMetrics metrics,
    IOptions<DeletionOptions> options,
    IOptions<ListCacheOptions> cacheOptions,
    Serializer serializer,
    TimeProvider time,
    ILogger<UserDeletionGrain> logger)
    : Grain, IUserDeletionGrain, IRemindable
{
    private const string ResumeReminder = "user-deletion-resume";
    private IGrainTimer? _timer;
    private int _failures;

    private UserId Me => new(this.GetPrimaryKeyLong());

    private UserDeletionProgress Progress => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        StartTimerIfRunning();
        return Task.CompletedTask;
    }

    public async Task<UserDeletion> DeleteAsync()
    {
        if (Progress.Phase == DeletionPhase.NotStarted)
        {
            state.State = new UserDeletionProgress
            {
                Phase = DeletionPhase.Marking,
                StartedAt = time.GetUtcNow(),
                Total = await store.CountOwnRowsAsync(Me),
            };
            await state.WriteStateAsync();
            await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumePeriod, options.Value.ResumePeriod);
            LogStarted(logger, Me.Value, Progress.Total);
        }

        try
        {
            // The marks before the answer: once a deletion is acknowledged, every read of the user's lists and every
            // relation to or from them is refused. Should a shard be down, the call fails and the timer keeps trying.
            if (Progress.Phase == DeletionPhase.Marking)
            {
                await StepAsync(CancellationToken.None);
            }
        }
        finally
        {
            StartTimerIfRunning();
        }

        return View();
    }

    public Task<UserDeletion?> GetAsync() => Task.FromResult(Progress.Phase == DeletionPhase.NotStarted ? null : View());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Progress.Phase == DeletionPhase.Done)
        {
            await UnregisterResumeReminderAsync();
            return;
        }

        StartTimerIfRunning();
    }

    private async Task UnregisterResumeReminderAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private UserDeletion View()
    {
        var p = Progress;
        return new UserDeletion(Me, p.Phase == DeletionPhase.Done ? UserDeletionState.Deleted : UserDeletionState.Deleting, p.Removed, p.Total, p.StartedAt, p.FinishedAt);
    }

    private void StartTimerIfRunning()
    {
        if (_timer is null && Progress.Phase is > DeletionPhase.NotStarted and < DeletionPhase.Done)
        {
            _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(1)) { KeepAlive = true });
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StepAsync(cancellationToken);
            _failures = 0;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A shard that is down, say: try again from the saved progress, backing off up to 5 s.
            _failures++;
            LogStepFailed(logger, exception, Me.Value, Progress.Phase, _failures);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * _failures)), time, cancellationToken);
            return;
        }

        if (Progress.Phase == DeletionPhase.Done)
        {
            _timer?.Dispose();
            _timer = null;
            await UnregisterResumeReminderAsync();
            metrics.RecordFinished();
            LogFinished(logger, Me.Value, Progress.Removed, (Progress.FinishedAt - Progress.StartedAt)?.TotalSeconds ?? 0);
        }
    }

    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var p = Progress;
        var shards = store.Shards.All;
        switch (p.Phase)
        {
            case DeletionPhase.Marking:
                p.MarkedAt = await Task.WhenAll(shards.Select(shard => EdgeStore.MarkDeletedAsync(shard, Me, cancellationToken)));
                // A bucketed user's buckets serve its fan pages too. Readers learn of buckets only once the move is stored,
                // so the listing read after the marks names every bucket a reader can have reached.
                await bucketMap.RefreshAsync(cancellationToken);
                var buckets = bucketMap.TryGetBuckets(Me, out var count) ? count : 0;
                await Task.WhenAll([
                    GrainFactory.GetGrain<IFollowingGrain>(Me.Value).MarkDeletedAsync(),
                    GrainFactory.GetGrain<IFanGrain>(Me.Value).MarkDeletedAsync(),
                    GrainFactory.GetGrain<ISocialGrain>(Me.Value).MarkDeletedAsync(),
                    .. Enumerable.Range(0, buckets).Select(b => GrainFactory.GetGrain<IFanBucketGrain>(Me.Value, FanBucketKey.Of(b)).MarkDeletedAsync())]);
                p.MarksHeldAt = time.GetUtcNow();
                p.Phase = DeletionPhase.WaitingForWriters;
                break;

            case DeletionPhase.WaitingForWriters:
                // And until every silo's caches have heard of the mark, so none shows the user once the walk passed.
                var ended = await Task.WhenAll(shards.Select((shard, i) => EdgeStore.EarlierTransactionsEndedAsync(shard, p.MarkedAt[i], cancellationToken)));
                if (!ended.All(e => e) || !CachesHeardSince(p.MarksHeldAt))
                {
                    await Task.Delay(options.Value.PollInterval, time, cancellationToken);
                    return;
                }

                // From here on no row of the user can appear on any shard: the total is exact.
                p.Total = await store.CountOwnRowsAsync(Me, cancellationToken);
                p.Phase = DeletionPhase.Walking;
                break;

            case DeletionPhase.Walking:
                await WalkAsync(cancellationToken);
                break;

            case DeletionPhase.Draining:
                // And until every silo's caches have heard the walk ended, so none serves a count from before it.
                var passed = await Task.WhenAll(shards.Select((shard, i) => EdgeStore.FeedsPassedAsync(shard, p.FeedSequences[i], p.FeedLsns[i], cancellationToken)));
                if (!passed.All(d => d) || !CachesHeardSince(p.WalkEndHeldAt))
                {
                    await Task.Delay(options.Value.PollInterval, time, cancellationToken);
                    return;
                }

                await Task.WhenAll(shards.Select(shard => EraseOwnDeadLettersAsync(shard, cancellationToken)));
                await Task.WhenAll(shards.Select(shard => EdgeStore.FinishErasureAsync(shard, Me, cancellationToken)));
                p.Phase = DeletionPhase.Done;
                p.FinishedAt = time.GetUtcNow();
                break;
        }

        await state.WriteStateAsync(cancellationToken);
    }

    private async Task WalkAsync(CancellationToken cancellationToken)
    {
        var p = Progress;
        var until = time.GetUtcNow() + options.Value.SliceDuration;
        while (time.GetUtcNow() < until && !cancellationToken.IsCancellationRequested)
        {
            var rows = await store.ReadOwnRowsAsync(Me, p.AfterDirection, p.AfterOther, options.Value.PageSize, cancellationToken);
            if (rows.Count == 0)
            {
                // No row of the user is left, so all of the total is removed, even rows whose removal a crash kept from
                // being counted.
                p.Removed = p.Total;
                await Task.WhenAll(store.Shards.All.Select(shard => EdgeStore.MarkWalkedAsync(shard, Me, cancellationToken)));
                p.WalkEndHeldAt = time.GetUtcNow();
                var feeds = await Task.WhenAll(store.Shards.All.Select(shard => EdgeStore.FeedPositionAsync(shard, cancellationToken)));
                p.FeedSequences = [.. feeds.Select(f => f.Sequence)];
                p.FeedLsns = [.. feeds.Select(f => f.Lsn)];
                p.Phase = DeletionPhase.Draining;
                return;
            }

            var removed = await store.EraseRelationsAsync(Me, rows.Select(r => r.Other).Distinct().ToList(), cancellationToken);
            p.Removed += removed;
            metrics.RecordRemoved(removed);
            (p.AfterDirection, p.AfterOther) = rows[^1];
        }
    }

    private bool CachesHeardSince(DateTimeOffset at) => time.GetUtcNow() - at >= cacheOptions.Value.ErasureCheckInterval;
}
