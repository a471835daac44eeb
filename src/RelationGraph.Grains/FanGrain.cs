using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>
/// Owns one user's fan list, the reverse copy of followers' following rows, and the fan count; it also lands the
/// reverse copy of friend asks (<see cref="RelationKind.FriendAsk"/>), which ride the same stream. It is an implicit
/// subscriber of the follow stream keyed by its user: whichever stream provider carries the deployment's follow events
/// (the outbox in Stream mode, the replication feed in Cdc mode) delivers them here in batches.
/// </summary>
[ImplicitStreamSubscription(RedundancyOptions.FollowStream)]
public sealed class FanGrain(EdgeStore store, FanMetrics metrics, TimeProvider time, IOptions<ListCacheOptions> cacheOptions, ListCacheBudget cacheBudget)
    : Grain, IFanGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<FollowChanged>
{
    private readonly ListCache _cache = new(cacheOptions.Value, cacheBudget, time);
    private DeletionCheck? _deletion;

    private UserId Me => new(this.GetPrimaryKeyLong());

    private DeletionCheck Deletion => _deletion ??= new(store, Me);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    public Task<bool> ApplyAsync(FollowChanged change)
    {
        EnsureMine(change);
        return ApplyCoreAsync(change);
    }

    public Task ApplyAllAsync(IReadOnlyList<FollowChanged> changes)
    {
        foreach (var change in changes)
        {
            EnsureMine(change);
        }

        return ApplyAllCoreAsync(changes, traceParent: null);
    }

    public Task<EdgePage> GetFansAsync(PageRequest page) => Deletion.ReadPageAsync(check => _cache.GetPageAsync(page, p => store.GetPageAsync(EdgeDirection.Fans, Me, p, check)));

    public Task<long> GetFanCountAsync() => Deletion.ReadAsync(() => _cache.GetCountAsync(() => store.GetCountAsync(EdgeDirection.Fans, Me)));

    public Task MarkDeletedAsync()
    {
        Deletion.MarkDeleted();
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    // Orleans acknowledges an event whose implicit subscriber attached no observer without processing it, so the
    // grain attaches on every activation, whatever provider the subscription comes from.
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<FollowChanged>().ResumeAsync(this);

    public Task OnNextAsync(IList<SequentialItem<FollowChanged>> items)
    {
        foreach (var item in items)
        {
            EnsureMine(item.Item);
        }

        // Each follow's fan write joins that follow's trace, carried by its stream event; events of different traces
        // are written concurrently, so they still share the shard's group commit.
        var fromBatch = RequestContext.Get(RelationGraphTracing.BatchTraceParentsKey) as string?[];
        var byTrace = items.Select((item, i) => (Item: item, TraceParent: (item.Token as ITraceContextCarrier)?.TraceParent ?? (fromBatch is not null && i < fromBatch.Length ? fromBatch[i] : null)))
            .GroupBy(i => i.TraceParent, i => i.Item)
            .ToList();
        return byTrace.Count == 1
            ? ApplyAllCoreAsync(items.Select(i => i.Item).ToList(), byTrace[0].Key)
            : Task.WhenAll(byTrace.Select(trace => ApplyAllCoreAsync(trace.Select(i => i.Item).ToList(), trace.Key)));
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private async Task<bool> ApplyCoreAsync(FollowChanged change)
    {
        using var span = StartFanWriteSpan(1, traceParent: null);
        try
        {
            var changed = await _cache.WriteAsync(() => store.ApplyAsync(ReverseOf(change.Kind), Me, change.Follower, change.State, change.OccurredAt));
            metrics.RecordLanding(time.GetUtcNow() - change.OccurredAt);
            return changed;
        }
        catch (UserDeletedException deleted) when (deleted.UserId == Me.Value)
        {
            await store.EraseRowsAboutAsync(Me, [change.Follower.Value]);
            throw;
        }
    }

    private async Task ApplyAllCoreAsync(IReadOnlyList<FollowChanged> changes, string? traceParent)
    {
        using var span = StartFanWriteSpan(changes.Count, traceParent);
        var outcomes = await _cache.WriteAsync(() => store.ApplyAllAsync(Me, changes.Select(c => (ReverseOf(c.Kind), c.Follower, c.State, c.OccurredAt))));

        // A copy refused because this user is deleted has a source that the deletion's walk, which starts from this
        // user's own rows, cannot find (it was committed before the user was marked, its copy never landed): remove it here.
        var orphans = changes.Where((_, i) => outcomes[i] == EdgeOutcome.OwnerDeleted).Select(c => c.Follower.Value).ToList();
        if (orphans.Count > 0)
        {
            await store.EraseRowsAboutAsync(Me, orphans);
        }

        var now = time.GetUtcNow();
        foreach (var change in changes)
        {
            metrics.RecordLanding(now - change.OccurredAt);
        }
    }

    public Task InvalidateAsync()
    {
        _cache.Invalidate();
        return Task.CompletedTask;
    }

    /// <summary>The reverse copy of a relation kind: fans for follows, incoming asks for friend asks.</summary>
    private static EdgeDirection ReverseOf(RelationKind kind) => kind switch
    {
        RelationKind.Follow => EdgeDirection.Fans,
        RelationKind.FriendAsk => EdgeDirection.FriendAsked,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown relation kind."),
    };

    /// <summary>A span under the follow's trace: <paramref name="traceParent"/> when the stream carried it, else the current call's.</summary>
    private Activity? StartFanWriteSpan(int events, string? traceParent)
    {
        var parent = traceParent is null ? default : RelationGraphTracing.ParseTraceParent(traceParent);
        var span = parent == default
            ? RelationGraphTracing.Source.StartActivity("fan grain apply", ActivityKind.Consumer)
            : RelationGraphTracing.Source.StartActivity("fan grain apply", ActivityKind.Consumer, parent);
        span?.SetTag("relationgraph.user", Me.Value);
        span?.SetTag("relationgraph.events", events);
        return span;
    }

    private void EnsureMine(FollowChanged change)
    {
        if (change.Followee != Me || change.Follower == Me)
        {
            throw new ArgumentException($"Event {change} does not belong to the fan list of {Me}.", nameof(change));
        }
    }
}
