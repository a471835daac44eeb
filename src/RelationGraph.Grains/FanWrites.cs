using System.Diagnostics;
using Orleans.Streams;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>
/// Writes reverse copies into one user's fan rows: what a <see cref="FanGrain"/> does with the events it gets, and a
/// <see cref="FanBucketGrain"/> with its bucket's share of a celebrity's.
/// </summary>
internal sealed class FanWrites(EdgeStore store, FanMetrics metrics, TimeProvider time, UserId owner)
{
    /// <summary>Applies one event; true when the fan list changed.</summary>
    public async Task<bool> ApplyAsync(FollowChanged change)
    {
        EnsureFor(change);
        using var span = StartSpan(1, traceParent: null);
        try
        {
            var changed = await store.ApplyAsync(ReverseOf(change.Kind), owner, change.Follower, change.State, change.OccurredAt);
            metrics.RecordLanding(time.GetUtcNow() - change.OccurredAt);
            return changed;
        }
        catch (UserDeletedException deleted) when (deleted.UserId == owner.Value)
        {
            await store.EraseRowsAboutAsync(owner, [change.Follower.Value]);
            throw;
        }
    }

    /// <summary>
    /// Applies a stream delivery. Each event's write joins the trace of the write that caused it, carried by the event;
    /// events of different traces are written concurrently, so they still share the shard's group commit.
    /// </summary>
    public async Task<FanWriteResult> ApplyDeliveryAsync(IList<SequentialItem<FollowChanged>> items)
    {
        foreach (var item in items)
        {
            EnsureFor(item.Item);
        }

        var fromBatch = RequestContext.Get(RelationGraphTracing.BatchTraceParentsKey) as string?[];
        var byTrace = items.Select((item, i) => (Item: item, TraceParent: (item.Token as ITraceContextCarrier)?.TraceParent ?? (fromBatch is not null && i < fromBatch.Length ? fromBatch[i] : null)))
            .GroupBy(i => i.TraceParent, i => i.Item.Item)
            .ToList();
        return byTrace.Count == 1
            ? await ApplyAllCoreAsync(items.Select(i => i.Item).ToList(), byTrace[0].Key)
            : (await Task.WhenAll(byTrace.Select(trace => ApplyAllCoreAsync(trace.ToList(), trace.Key)))).Aggregate((a, b) => a + b);
    }

    /// <summary>Applies several events together.</summary>
    public Task<FanWriteResult> ApplyAllAsync(IReadOnlyList<FollowChanged> changes)
    {
        foreach (var change in changes)
        {
            EnsureFor(change);
        }

        return ApplyAllCoreAsync(changes, traceParent: null);
    }

    private async Task<FanWriteResult> ApplyAllCoreAsync(IReadOnlyList<FollowChanged> changes, string? traceParent)
    {
        using var span = StartSpan(changes.Count, traceParent);
        var outcomes = await store.ApplyAllAsync(owner, changes.Select(c => (ReverseOf(c.Kind), c.Follower, c.State, c.OccurredAt)));

        // A copy refused because this user is deleted has a source that the deletion's walk, which starts from this
        // user's own rows, cannot find (it was committed before the user was marked, its copy never landed): remove it here.
        var orphans = changes.Where((_, i) => outcomes[i] == EdgeOutcome.OwnerDeleted).Select(c => c.Follower.Value).ToList();
        if (orphans.Count > 0)
        {
            await store.EraseRowsAboutAsync(owner, orphans);
        }

        var now = time.GetUtcNow();
        var result = default(FanWriteResult);
        for (var i = 0; i < changes.Count; i++)
        {
            metrics.RecordLanding(now - changes[i].OccurredAt);
            if (outcomes[i] == EdgeOutcome.Changed)
            {
                result += new FanWriteResult(1, changes[i].State == EdgeState.Active && changes[i].Kind == RelationKind.Follow ? 1 : 0);
            }
        }

        return result;
    }

    /// <summary>The reverse copy of a relation kind: fans for follows, incoming asks for friend asks.</summary>
    private static EdgeDirection ReverseOf(RelationKind kind) => kind switch
    {
        RelationKind.Follow => EdgeDirection.Fans,
        RelationKind.FriendAsk => EdgeDirection.FriendAsked,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown relation kind."),
    };

    /// <summary>A span under the follow's trace: <paramref name="traceParent"/> when the stream carried it, else the current call's.</summary>
    private Activity? StartSpan(int events, string? traceParent)
    {
        var parent = traceParent is null ? default : RelationGraphTracing.ParseTraceParent(traceParent);
        var span = parent == default
            ? RelationGraphTracing.Source.StartActivity("fan grain apply", ActivityKind.Consumer)
            : RelationGraphTracing.Source.StartActivity("fan grain apply", ActivityKind.Consumer, parent);
        span?.SetTag("relationgraph.user", owner.Value);
        span?.SetTag("relationgraph.events", events);
        return span;
    }

    private void EnsureFor(FollowChanged change)
    {
        if (change.Followee != owner || change.Follower == owner)
        {
            throw new ArgumentException($"Event {change} does not belong to the fan list of {owner}.", nameof(change));
        }
    }
}
