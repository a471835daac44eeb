using Microsoft.Extensions.Options;
using Orleans.Serialization;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;

namespace RelationGraph.Grains;

/// <summary>
/// Owns one user's friend asks and blocks. A friend ask is a weak relation like a follow: the asker's row is the source,
/// the asked user's copy follows through the deployment's redundancy mode, and two asks make a friendship. A block is
/// written on both users' shards before it is acknowledged; each shard retires the pair's follows and asks in the block's
/// own transaction, and refuses new ones while it stands (see <c>apply_edge_event</c>), so a block wins any race.
/// </summary>
public sealed class SocialGrain(
    EdgeStore store,
    Serializer serializer,
    TimeProvider timeProvider,
    IOptions<RedundancyOptions> options,
    IOptions<RateLimitOptions> rateLimitOptions,
    RateLimitMetrics rateLimitMetrics,
    FanBucketMap fanBuckets)
    : Grain, ISocialGrain
{
    private readonly EventClock _clock = new(timeProvider);
    private SourceWrites? _writes;
    private UserRateLimiter? _rateLimiter;
    private DeletionCheck? _deletion;

    private UserId Me => new(this.GetPrimaryKeyLong());

    private DeletionCheck Deletion => _deletion ??= new(store, Me);

    private SourceWrites Writes => _writes ??= new(store, serializer, options.Value.Redundancy, GrainFactory, fanBuckets);

    private UserRateLimiter RateLimiter => _rateLimiter ??= new(Me, rateLimitOptions.Value, rateLimitMetrics, timeProvider);

    public async Task<FriendResult> RequestFriendAsync(UserId other)
    {
        RejectSelf(other);
        RateLimiter.Take(UserWriteKind.FriendRequest, DelayDeactivation);
        var mine = await store.GetAsync(EdgeDirection.FriendAsks, Me, other);
        bool changed;
        if (mine?.State == EdgeState.Active)
        {
            await Writes.RepeatAsync(Ask(other, EdgeState.Active, mine.EventAt));
            changed = false;
        }
        else
        {
            changed = await Writes.WriteAsync(EdgeDirection.FriendAsks, Ask(other, EdgeState.Active, _clock.Next(mine))) == EdgeOutcome.Changed;
        }

        // Their own row is the truth about their ask; the copy on this user's shard may still be on its way.
        var theirs = await store.GetAsync(EdgeDirection.FriendAsks, other, Me);
        return new FriendResult(Me, other, theirs?.State == EdgeState.Active ? FriendStatus.Friends : FriendStatus.Requested, changed);
    }

    public async Task<FriendResult> RemoveFriendAsync(UserId other)
    {
        RejectSelf(other);
        var (mineRead, theirsRead) = (store.GetAsync(EdgeDirection.FriendAsks, Me, other), store.GetAsync(EdgeDirection.FriendAsks, other, Me));
        var (mine, theirs) = (await mineRead, await theirsRead);
        var changed = false;
        if (mine?.State == EdgeState.Active)
        {
            changed |= await Writes.WriteAsync(EdgeDirection.FriendAsks, Ask(other, EdgeState.Removed, _clock.Next(mine))) == EdgeOutcome.Changed;
        }

        if (theirs?.State == EdgeState.Active)
        {
            // Declining withdraws their ask, both copies, after its own event time: the decline is newer than the ask it saw.
            var at = _clock.Next(theirs);
            var source = store.ApplyAsync(EdgeDirection.FriendAsks, other, Me, EdgeState.Removed, at);
            var copy = store.ApplyAsync(EdgeDirection.FriendAsked, Me, other, EdgeState.Removed, at);
            changed |= await source | await copy;
        }

        return new FriendResult(Me, other, FriendStatus.None, changed);
    }

    public async Task<BlockResult> BlockAsync(UserId other)
    {
        RejectSelf(other);
        RateLimiter.Take(UserWriteKind.Block, DelayDeactivation);
        var current = await store.GetAsync(EdgeDirection.Blocking, Me, other);
        var standing = current?.State == EdgeState.Active;

        // The blocker's shard first, so that from here on it refuses the pair's follows and asks, then the other's shard.
        // A repeat applies the stored block again, which repairs a copy that missed it and retires anything left.
        var at = standing ? current!.EventAt : _clock.Next(current);
        var changed = await store.ApplyAsync(EdgeDirection.Blocking, Me, other, EdgeState.Active, at);
        await store.ApplyAsync(EdgeDirection.BlockedBy, other, Me, EdgeState.Active, at);
        await InvalidateListsAsync(other);
        return new BlockResult(Me, other, Blocked: true, changed);
    }

    public async Task<BlockResult> UnblockAsync(UserId other)
    {
        RejectSelf(other);
        var current = await store.GetAsync(EdgeDirection.Blocking, Me, other);
        if (current?.State != EdgeState.Active)
        {
            return new BlockResult(Me, other, Blocked: false, Changed: false);
        }

        var at = _clock.Next(current);
        var source = store.ApplyAsync(EdgeDirection.Blocking, Me, other, EdgeState.Removed, at);
        var copy = store.ApplyAsync(EdgeDirection.BlockedBy, other, Me, EdgeState.Removed, at);
        var changed = await source;
        await copy;
        return new BlockResult(Me, other, Blocked: false, changed);
    }

    public Task<EdgePage> GetFriendsAsync(PageRequest page) => Deletion.ReadPageAsync(check => store.GetPageAsync(EdgeDirection.Friends, Me, page, check));

    public Task<EdgePage> GetFriendRequestsAsync(FriendRequestDirection direction, PageRequest page) => Deletion.ReadPageAsync(check => direction switch
    {
        FriendRequestDirection.Incoming => store.GetPageAsync(EdgeDirection.RequestsIn, Me, page, check),
        FriendRequestDirection.Outgoing => store.GetPageAsync(EdgeDirection.RequestsOut, Me, page, check),
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "direction must be incoming or outgoing."),
    });

    public Task<EdgePage> GetBlocksAsync(PageRequest page) => Deletion.ReadPageAsync(check => store.GetPageAsync(EdgeDirection.Blocking, Me, page, check));

    public Task<long> GetFriendCountAsync() => Deletion.ReadAsync(() => store.GetCountAsync(EdgeDirection.Friends, Me));

    public async Task<RelationSet> GetRelationsAsync(IReadOnlyList<UserId> others)
    {
        RelationBatch.Validate(Me, others);
        await Deletion.EnsureNotDeletedAsync();
        return new RelationSet(Me, await store.GetRelationsAsync(Me, others));
    }

    public async Task<UserPage> GetSetAsync(SetQuery query, UserId? other, PageRequest page)
    {
        if (query != SetQuery.Mutual && (other is not { } b || b == Me))
        {
            throw new ArgumentException($"This set query needs a second user other than {Me}.", nameof(other));
        }

        await Deletion.EnsureNotDeletedAsync();
        return await (query switch
        {
            SetQuery.Mutual => store.GetIntersectionPageAsync(Me, (Me, EdgeDirection.Following), (Me, EdgeDirection.Fans), page),
            SetQuery.CommonFollowing => store.GetIntersectionPageAsync(Me, (Me, EdgeDirection.Following), (other!.Value, EdgeDirection.Following), page),
            SetQuery.FollowingWhoFollow => store.GetIntersectionPageAsync(Me, (Me, EdgeDirection.Following), (other!.Value, EdgeDirection.Fans), page),
            _ => throw new ArgumentOutOfRangeException(nameof(query), query, "Unknown set query."),
        });
    }

    public Task MarkDeletedAsync()
    {
        Deletion.MarkDeleted();
        return Task.CompletedTask;
    }

    private FollowChanged Ask(UserId other, EdgeState state, DateTimeOffset at) => new(Me, other, state, at) { Kind = RelationKind.FriendAsk };

    /// <summary>A block retired follows around the user grains; their cached pages and counts must not outlive it.</summary>
    private Task InvalidateListsAsync(UserId other) => Task.WhenAll(
        GrainFactory.GetGrain<IFollowingGrain>(Me.Value).InvalidateAsync(),
        GrainFactory.GetGrain<IFollowingGrain>(other.Value).InvalidateAsync(),
        GrainFactory.GetGrain<IFanGrain>(Me.Value).InvalidateAsync(),
        GrainFactory.GetGrain<IFanGrain>(other.Value).InvalidateAsync());

    private void RejectSelf(UserId other)
    {
        if (other == Me)
        {
            throw new ArgumentException($"User {Me} cannot befriend or block themselves.", nameof(other));
        }
    }
}
