using RelationGraph.Abstractions;
using RelationGraph.Client;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// Concurrent random follows and unfollows over a set of users. Each follower's operations run on one worker in
/// order, so the last acknowledged operation on an edge is its expected final state: a straight replay.
/// </summary>
internal sealed class RandomFollowWorkload(IReadOnlyList<UserId> users, int operations, int seed)
{
    private readonly Dictionary<(UserId Follower, UserId Followee), bool> _expected = [];

    public int Acknowledged { get; private set; }

    /// <summary>Runs the workload with <paramref name="workers"/> concurrent callers; <paramref name="progress"/> sees each acknowledgement count.</summary>
    public async Task RunAsync(IRelationGraphClient client, int workers, Action<int>? progress, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var plan = Enumerable.Range(0, operations)
            .Select(_ => (Follower: users[random.Next(users.Count)], Followee: users[random.Next(users.Count)], Follow: random.Next(3) > 0))
            .Where(op => op.Follower != op.Followee)
            .ToList();
        var acknowledged = 0;
        await Task.WhenAll(plan.GroupBy(op => op.Follower.Value % workers).Select(lane => Task.Run(async () =>
        {
            foreach (var (follower, followee, follow) in lane)
            {
                var result = follow
                    ? await client.FollowAsync(follower, followee, cancellationToken)
                    : await client.UnfollowAsync(follower, followee, cancellationToken);
                Assert.Equal(follow, result.Following);
                lock (_expected)
                {
                    _expected[(follower, followee)] = follow;
                }

                progress?.Invoke(Interlocked.Increment(ref acknowledged));
            }
        }, cancellationToken)));
        Acknowledged = acknowledged;
    }

    public IReadOnlyList<UserId> ExpectedFollowing(UserId user) =>
        _expected.Where(e => e.Key.Follower == user && e.Value).Select(e => e.Key.Followee).Order().ToList();

    public IReadOnlyList<UserId> ExpectedFans(UserId user) =>
        _expected.Where(e => e.Key.Followee == user && e.Value).Select(e => e.Key.Follower).Order().ToList();

    /// <summary>Asserts the following side now, and waits (bounded) until the fan side has converged too.</summary>
    public async Task AssertConvergedAsync(IRelationGraphClient client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var user in users)
        {
            var following = await client.GetFollowingAsync(user, new PageRequest(PageRequest.MaxLimit), cancellationToken);
            Assert.Equal(ExpectedFollowing(user), following.Items.Select(i => i.UserId).Order());
            Assert.Equal(ExpectedFollowing(user).Count, (await client.GetCountsAsync(user, cancellationToken)).Following);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        foreach (var user in users)
        {
            while (true)
            {
                var fans = (await client.GetFansAsync(user, new PageRequest(PageRequest.MaxLimit), cancellationToken)).Items.Select(i => i.UserId).Order().ToList();
                var count = (await client.GetCountsAsync(user, cancellationToken)).Fans;
                if (fans.SequenceEqual(ExpectedFans(user)) && count == fans.Count)
                {
                    break;
                }

                if (deadline.IsCancellationRequested)
                {
                    Assert.Fail($"fans of {user} did not converge: expected [{string.Join(",", ExpectedFans(user))}], have [{string.Join(",", fans)}] with count {count}");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
