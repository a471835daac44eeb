using System.Collections.Concurrent;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Persistence;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// Concurrent random follows and unfollows over a set of users, through the client SDK. Each follower's operations run
/// on one worker in order, so the last acknowledged operation on an edge is its expected final state: the expected
/// rows and counts are a straight replay of the acknowledged operations.
/// </summary>
internal sealed class RandomFollowWorkload
{
    private readonly IReadOnlyList<UserId> _users;
    private readonly List<(UserId Follower, UserId Followee, bool Follow)> _plan;
    private readonly Dictionary<(UserId Follower, UserId Followee), bool> _expected = [];
    private readonly ConcurrentQueue<Exception> _failures = new();
    private int _acknowledged;

    public RandomFollowWorkload(IReadOnlyList<UserId> users, int operations, int seed)
    {
        _users = users;
        var random = new Random(seed);
        _plan = Enumerable.Range(0, operations)
            .Select(_ => (Follower: users[random.Next(users.Count)], Followee: users[random.Next(users.Count)], Follow: random.Next(3) > 0))
            .Where(op => op.Follower != op.Followee)
            .ToList();
    }

    /// <summary>The operations the workload makes.</summary>
    public int Operations => _plan.Count;

    /// <summary>How many operations the client acknowledged so far.</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Operations that failed (after the client's own retries); each leaves its edge's outcome unknown.</summary>
    public IReadOnlyCollection<Exception> Failures => _failures;

    /// <summary>
    /// Runs the workload with <paramref name="workers"/> concurrent callers; <paramref name="progress"/> sees each
    /// acknowledgement count. Failures are collected (<see cref="Failures"/>), not thrown.
    /// </summary>
    public Task RunAsync(IRelationGraphClient client, int workers, Action<int>? progress, CancellationToken cancellationToken) =>
        Task.WhenAll(_plan.GroupBy(op => op.Follower.Value % workers).Select(lane => Task.Run(async () =>
        {
            foreach (var (follower, followee, follow) in lane)
            {
                try
                {
                    var result = follow
                        ? await client.FollowAsync(follower, followee, cancellationToken)
                        : await client.UnfollowAsync(follower, followee, cancellationToken);
                    if (result.Following != follow)
                    {
                        throw new InvalidOperationException($"{(follow ? "follow" : "unfollow")} {follower} -> {followee} acknowledged with Following = {result.Following}");
                    }

                    lock (_expected)
                    {
                        _expected[(follower, followee)] = follow;
                    }

                    var acknowledged = Interlocked.Increment(ref _acknowledged);
                    progress?.Invoke(acknowledged);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    _failures.Enqueue(exception);
                }
            }
        }, cancellationToken)));

    public IReadOnlyList<UserId> ExpectedFollowing(UserId user)
    {
        lock (_expected)
        {
            return [.. _expected.Where(e => e.Key.Follower == user && e.Value).Select(e => e.Key.Followee).Order()];
        }
    }

    public IReadOnlyList<UserId> ExpectedFans(UserId user)
    {
        lock (_expected)
        {
            return [.. _expected.Where(e => e.Key.Followee == user && e.Value).Select(e => e.Key.Follower).Order()];
        }
    }

    /// <summary>Asserts that every operation was acknowledged.</summary>
    public void AssertAllAcknowledged()
    {
        Assert.True(_failures.IsEmpty, $"{_failures.Count} of {Operations} operations failed:\n{string.Join("\n", _failures.Take(3))}");
        Assert.Equal(Operations, Acknowledged);
    }

    /// <summary>
    /// Asserts that no operation failed and that the following side (rows read straight from the shards through
    /// <paramref name="store"/>, counts, and the client's view) is the replay now; then waits, up to
    /// <paramref name="timeout"/>, until the fan side is too, and asserts the client sees it.
    /// </summary>
    public async Task AssertConvergedAsync(IRelationGraphClient client, EdgeStore store, TimeSpan timeout, CancellationToken cancellationToken)
    {
        AssertAllAcknowledged();
        var all = new PageRequest(PageRequest.MaxLimit);
        foreach (var user in _users)
        {
            var expected = ExpectedFollowing(user);
            Assert.Equal(expected, await RowsAsync(store, EdgeDirection.Following, user, cancellationToken));
            Assert.Equal(expected.Count, await store.GetCountAsync(EdgeDirection.Following, user, cancellationToken));
            Assert.Equal(expected, (await client.GetFollowingAsync(user, all, cancellationToken)).Items.Select(i => i.UserId).Order());
        }

        var lagging = new Dictionary<UserId, string>();
        await Eventually.WaitAsync(
            async ct =>
            {
                var still = new Dictionary<UserId, string>();
                foreach (var user in lagging.Count > 0 ? lagging.Keys.ToList() : _users)
                {
                    var expected = ExpectedFans(user);
                    var rows = await RowsAsync(store, EdgeDirection.Fans, user, ct);
                    var count = await store.GetCountAsync(EdgeDirection.Fans, user, ct);
                    if (!rows.SequenceEqual(expected) || count != expected.Count)
                    {
                        still[user] = $"fans of {user}: expected [{string.Join(",", expected)}], have [{string.Join(",", rows)}] counted {count}";
                    }
                }

                lagging = still;
                return still.Count == 0;
            },
            timeout,
            () => string.Join("; ", lagging.Values.Take(5)),
            cancellationToken);

        foreach (var user in _users)
        {
            var expectedFans = ExpectedFans(user);
            Assert.Equal(expectedFans, (await client.GetFansAsync(user, all, cancellationToken)).Items.Select(i => i.UserId).Order());
            Assert.Equal(new Counts(user, ExpectedFollowing(user).Count, expectedFans.Count), await client.GetCountsAsync(user, cancellationToken));
        }
    }

    private static async Task<List<UserId>> RowsAsync(EdgeStore store, EdgeDirection direction, UserId user, CancellationToken cancellationToken) =>
        [.. (await store.GetPageAsync(direction, user, new PageRequest(PageRequest.MaxLimit), cancellationToken: cancellationToken)).Items.Select(i => i.UserId).Order()];
}
