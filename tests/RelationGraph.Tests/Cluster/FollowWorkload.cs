using System.Collections.Concurrent;
using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Persistence;

namespace RelationGraph.Tests.Cluster;

/// <summary>
/// A fixed set of follows among <c>users</c> (each pair with probability 1/6), made by concurrent workers through the
/// client, for tests that break a silo halfway: every follow the client acknowledged must be in the rows and counts afterwards.
/// </summary>
internal sealed class FollowWorkload
{
    private readonly IReadOnlyList<UserId> _users;
    private readonly ConcurrentQueue<Exception> _failures = new();
    private readonly TaskCompletionSource _third = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next = -1;
    private int _acknowledged;

    public FollowWorkload(IReadOnlyList<UserId> users, int seed)
    {
        _users = users;
        var random = new Random(seed);
        Follows = [.. users.SelectMany(u => users.Where(v => v != u && random.Next(6) == 0).Select(v => (u, v)))];
    }

    public IReadOnlyList<(UserId Follower, UserId Followee)> Follows { get; }

    public int Acknowledged => Volatile.Read(ref _acknowledged);

    public IReadOnlyCollection<Exception> Failures => _failures;

    /// <summary>Completes once a third of the follows are acknowledged: the moment to break something.</summary>
    public Task OneThirdDone => _third.Task;

    /// <summary>Makes every follow once, with <paramref name="workers"/> concurrent callers; failures are collected, not thrown.</summary>
    public Task RunAsync(IRelationGraphClient client, int workers, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref _next)) < Follows.Count)
            {
                try
                {
                    var (follower, followee) = Follows[index];
                    var result = await client.FollowAsync(follower, followee, cancellationToken);
                    if (!result.Following)
                    {
                        throw new InvalidOperationException($"{follower} -> {followee} acknowledged as not following");
                    }

                    if (Interlocked.Increment(ref _acknowledged) >= Follows.Count / 3)
                    {
                        _third.TrySetResult();
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _failures.Enqueue(exception);
                }
            }
        }, cancellationToken)));

    /// <summary>
    /// Every user's following and fan rows (read straight from the shards through <paramref name="store"/>, and through
    /// the client as users see them) are exactly the follows, and both counts equal the rows.
    /// </summary>
    public async Task AssertExactAsync(IRelationGraphClient client, EdgeStore store, CancellationToken cancellationToken)
    {
        var all = new PageRequest(PageRequest.MaxLimit);
        foreach (var user in _users)
        {
            var expectedFollowing = Follows.Where(f => f.Follower == user).Select(f => f.Followee).Order().ToList();
            var expectedFans = Follows.Where(f => f.Followee == user).Select(f => f.Follower).Order().ToList();

            Assert.Equal(expectedFollowing, (await store.GetPageAsync(EdgeDirection.Following, user, all, cancellationToken: cancellationToken)).Items.Select(i => i.UserId).Order());
            Assert.Equal(expectedFans, (await store.GetPageAsync(EdgeDirection.Fans, user, all, cancellationToken: cancellationToken)).Items.Select(i => i.UserId).Order());
            Assert.Equal(expectedFollowing.Count, await store.GetCountAsync(EdgeDirection.Following, user, cancellationToken));
            Assert.Equal(expectedFans.Count, await store.GetCountAsync(EdgeDirection.Fans, user, cancellationToken));

            Assert.Equal(expectedFollowing, (await client.GetFollowingAsync(user, all, cancellationToken)).Items.Select(i => i.UserId).Order());
            Assert.Equal(expectedFans, (await client.GetFansAsync(user, all, cancellationToken)).Items.Select(i => i.UserId).Order());
            Assert.Equal(new Counts(user, expectedFollowing.Count, expectedFans.Count), await client.GetCountsAsync(user, cancellationToken));
        }
    }
}
