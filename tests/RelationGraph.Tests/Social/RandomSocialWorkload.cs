using System.Collections.Concurrent;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Persistence;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Social;

/// <summary>
/// Random friend requests, withdrawals, follows, blocks and unblocks over disjoint pairs of users, through the client SDK.
/// Each pair's operations run in order on one worker, so a replay of the acknowledged operations gives each pair's
/// expected rows, refusals included (an operation a block refuses must be refused, and changes nothing).
/// </summary>
internal sealed class RandomSocialWorkload
{
    private readonly List<(UserId A, UserId B)> _pairs;
    private readonly List<(int Pair, bool FromA, Op Op)> _plan;
    private readonly ConcurrentDictionary<int, Model> _expected = new();
    private readonly ConcurrentQueue<Exception> _failures = new();
    private int _acknowledged;

    public RandomSocialWorkload(long firstUser, int pairs, int operations, int seed)
    {
        _pairs = [.. Enumerable.Range(0, pairs).Select(i => (new UserId(firstUser + (2 * i)), new UserId(firstUser + (2 * i) + 1)))];
        var random = new Random(seed);
        var ops = Enum.GetValues<Op>();
        _plan = [.. Enumerable.Range(0, operations).Select(_ => (random.Next(pairs), random.Next(2) == 0, ops[random.Next(ops.Length)]))];
    }

    public enum Op
    {
        Ask,
        Ask2,
        Withdraw,
        Follow,
        Block,
        Unblock,
    }

    public int Operations => _plan.Count;

    public int Acknowledged => Volatile.Read(ref _acknowledged);

    public Task RunAsync(IRelationGraphClient client, int workers, Action<int>? progress, CancellationToken cancellationToken) =>
        Task.WhenAll(_plan.GroupBy(op => op.Pair % workers).Select(lane => Task.Run(async () =>
        {
            foreach (var (pair, fromA, op) in lane)
            {
                var model = _expected.GetOrAdd(pair, _ => new Model());
                var (actor, other) = fromA ? _pairs[pair] : (_pairs[pair].B, _pairs[pair].A);
                try
                {
                    await ApplyAsync(client, model, fromA, actor, other, op, cancellationToken);
                    var acknowledged = Interlocked.Increment(ref _acknowledged);
                    progress?.Invoke(acknowledged);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    _failures.Enqueue(exception);
                }
            }
        }, cancellationToken)));

    public void AssertAllAcknowledged()
    {
        Assert.True(_failures.IsEmpty, $"{_failures.Count} of {Operations} operations failed:\n{string.Join("\n", _failures.Take(3))}");
        Assert.Equal(Operations, Acknowledged);
    }

    /// <summary>
    /// Asserts the source rows are the replay now, then waits until every copy (reverse asks, fans, blocked-by rows, the
    /// friend view and its count) is too.
    /// </summary>
    public async Task AssertConvergedAsync(EdgeStore store, TimeSpan timeout, CancellationToken cancellationToken)
    {
        AssertAllAcknowledged();
        foreach (var (pair, model) in _expected)
        {
            var (a, b) = _pairs[pair];
            Assert.Equal(model.Sources(), await SourcesAsync(store, a, b, cancellationToken));
        }

        var lagging = new List<string>();
        await Eventually.WaitAsync(
            async ct =>
            {
                var still = new List<string>();
                foreach (var (pair, model) in _expected)
                {
                    var (a, b) = _pairs[pair];
                    var (expected, actual) = (model.Copies(), await CopiesAsync(store, a, b, ct));
                    if (expected != actual)
                    {
                        still.Add($"pair {a}/{b}: expected {expected}, have {actual}");
                    }
                }

                lagging = still;
                return still.Count == 0;
            },
            timeout,
            () => string.Join("; ", lagging.Take(5)),
            cancellationToken);
    }

    private static async Task ApplyAsync(IRelationGraphClient client, Model model, bool fromA, UserId actor, UserId other, Op op, CancellationToken cancellationToken)
    {
        var blocked = model.BlockAB || model.BlockBA;
        switch (op)
        {
            case Op.Ask or Op.Ask2 or Op.Follow when blocked:
                var refused = await Assert.ThrowsAsync<RelationBlockedException>(() => op == Op.Follow
                    ? client.FollowAsync(actor, other, cancellationToken)
                    : client.RequestFriendAsync(actor, other, cancellationToken));
                // The actor's own block answers first: it must unblock before anything else.
                var (actorBlocks, targetBlocks) = fromA ? (model.BlockAB, model.BlockBA) : (model.BlockBA, model.BlockAB);
                Assert.Equal(targetBlocks && !actorBlocks, refused.BlockedByTarget);
                break;
            case Op.Ask or Op.Ask2:
                var asked = await client.RequestFriendAsync(actor, other, cancellationToken);
                model.SetAsk(fromA, true);
                Assert.Equal(model.AskAB && model.AskBA ? FriendStatus.Friends : FriendStatus.Requested, asked.Status);
                break;
            case Op.Withdraw:
                await client.RemoveFriendAsync(actor, other, cancellationToken);
                (model.AskAB, model.AskBA) = (false, false);
                break;
            case Op.Follow:
                await client.FollowAsync(actor, other, cancellationToken);
                model.SetFollow(fromA, true);
                break;
            case Op.Block:
                await client.BlockAsync(actor, other, cancellationToken);
                (model.AskAB, model.AskBA, model.FollowAB, model.FollowBA) = (false, false, false, false);
                model.SetBlock(fromA, true);
                break;
            case Op.Unblock:
                await client.UnblockAsync(actor, other, cancellationToken);
                model.SetBlock(fromA, false);
                break;
        }
    }

    private static async Task<bool> ActiveAsync(EdgeStore store, EdgeDirection direction, UserId owner, UserId other, CancellationToken cancellationToken) =>
        (await store.GetAsync(direction, owner, other, cancellationToken))?.State == EdgeState.Active;

    private static async Task<string> SourcesAsync(EdgeStore store, UserId a, UserId b, CancellationToken cancellationToken) => Model.Describe(
        await ActiveAsync(store, EdgeDirection.FriendAsks, a, b, cancellationToken), await ActiveAsync(store, EdgeDirection.FriendAsks, b, a, cancellationToken),
        await ActiveAsync(store, EdgeDirection.Following, a, b, cancellationToken), await ActiveAsync(store, EdgeDirection.Following, b, a, cancellationToken),
        await ActiveAsync(store, EdgeDirection.Blocking, a, b, cancellationToken), await ActiveAsync(store, EdgeDirection.Blocking, b, a, cancellationToken));

    private static async Task<string> CopiesAsync(EdgeStore store, UserId a, UserId b, CancellationToken cancellationToken)
    {
        var copies = Model.Describe(
            await ActiveAsync(store, EdgeDirection.FriendAsked, b, a, cancellationToken), await ActiveAsync(store, EdgeDirection.FriendAsked, a, b, cancellationToken),
            await ActiveAsync(store, EdgeDirection.Fans, b, a, cancellationToken), await ActiveAsync(store, EdgeDirection.Fans, a, b, cancellationToken),
            await ActiveAsync(store, EdgeDirection.BlockedBy, b, a, cancellationToken), await ActiveAsync(store, EdgeDirection.BlockedBy, a, b, cancellationToken));
        var friends = (await store.GetCountAsync(EdgeDirection.Friends, a, cancellationToken), await store.GetCountAsync(EdgeDirection.Friends, b, cancellationToken));
        var listed = (await store.GetPageAsync(EdgeDirection.Friends, a, new PageRequest(), cancellationToken: cancellationToken)).Items.Count;
        return $"{copies} friends {friends.Item1}/{friends.Item2}/{listed}";
    }

    private sealed class Model
    {
        public bool AskAB { get; set; }

        public bool AskBA { get; set; }

        public bool FollowAB { get; set; }

        public bool FollowBA { get; set; }

        public bool BlockAB { get; set; }

        public bool BlockBA { get; set; }

        public static string Describe(bool askAB, bool askBA, bool followAB, bool followBA, bool blockAB, bool blockBA) =>
            $"asks {askAB}/{askBA} follows {followAB}/{followBA} blocks {blockAB}/{blockBA}";

        public string Sources() => Describe(AskAB, AskBA, FollowAB, FollowBA, BlockAB, BlockBA);

        public string Copies()
        {
            var friends = AskAB && AskBA ? 1 : 0;
            return $"{Sources()} friends {friends}/{friends}/{friends}";
        }

        public void SetAsk(bool fromA, bool value)
        {
            if (fromA) AskAB = value; else AskBA = value;
        }

        public void SetFollow(bool fromA, bool value)
        {
            if (fromA) FollowAB = value; else FollowBA = value;
        }

        public void SetBlock(bool fromA, bool value)
        {
            if (fromA) BlockAB = value; else BlockBA = value;
        }
    }
}
