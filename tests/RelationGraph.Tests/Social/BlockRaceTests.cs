using RelationGraph.Abstractions;
using RelationGraph.Client;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Social;

/// <summary>
/// A block must win against follows and friend requests racing it: once it is acknowledged, nothing between the two users
/// is active in any copy, and nothing delivered later revives it. Each mode runs a cluster of its own.
/// </summary>
public sealed class BlockRaceTests(PostgresFixture postgres)
{
    private const int Pairs = 20;

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task Once_a_block_is_acknowledged_no_follow_or_request_between_the_two_is_active_in_either_copy(string mode)
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, mode, silos: 2);
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        var store = cluster.Store();
        var violations = new List<string>();
        var refusedAfterBlock = 0;

        await Task.WhenAll(Enumerable.Range(0, Pairs).Select(async i =>
        {
            var (a, b) = (new UserId(1_000 + (2 * i)), new UserId(1_001 + (2 * i)));
            var blockedAt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Refused() => Interlocked.Increment(ref refusedAfterBlock);
            void Accepted(string what)
            {
                lock (violations)
                {
                    violations.Add($"pair {a}/{b}: {what} accepted after the block");
                }
            }

            var racers = new[]
            {
                RaceAsync(() => client.FollowAsync(b, a, Token), blockedAt.Task, Refused, () => Accepted("a follow by the blocked")),
                RaceAsync(() => client.FollowAsync(a, b, Token), blockedAt.Task, Refused, () => Accepted("a follow by the blocker")),
                RaceAsync(() => client.RequestFriendAsync(b, a, Token), blockedAt.Task, Refused, () => Accepted("a friend request")),
                RaceAsync(() => client.UnfollowAsync(b, a, Token), blockedAt.Task, () => { }, () => { }),
            };

            // Let the racers get going at a different point for each pair, then block in the middle of them.
            await Task.Delay(TimeSpan.FromMilliseconds(5 * (i % 10)), Token);
            await client.BlockAsync(a, b, Token);
            var active = await store.ActiveLinksAsync(a, b, Token);
            blockedAt.SetResult();
            await Task.WhenAll(racers);
            active.AddRange(await store.ActiveLinksAsync(a, b, Token));
            lock (violations)
            {
                violations.AddRange(active.Select(v => $"pair {a}/{b}: {v}"));
            }
        }));

        // Reverse copies still on their way must not revive anything when they land.
        var positions = await SocialCluster.WalPositionsAsync(cluster.Shards(), Token);
        await Eventually.WaitAsync(ct => SocialCluster.CaughtUpAsync(cluster.Shards(), mode, positions, ct), TimeSpan.FromSeconds(60), () => "the reverse copies are still on their way", Token);
        for (var i = 0; i < Pairs; i++)
        {
            var (a, b) = (new UserId(1_000 + (2 * i)), new UserId(1_001 + (2 * i)));
            violations.AddRange((await store.ActiveLinksAsync(a, b, Token)).Select(v => $"pair {a}/{b} after delivery: {v}"));
            Assert.True((await client.GetRelationAsync(b, a, Token)).BlockedBy);
            Assert.Equal(new Counts(a, 0, 0), await client.GetCountsAsync(a, Token));
            Assert.Equal(new Counts(b, 0, 0), await client.GetCountsAsync(b, Token));
        }

        Assert.Empty(violations);
        Assert.True(refusedAfterBlock >= Pairs, $"only {refusedAfterBlock} attempts after the blocks were refused");
    }

    /// <summary>Repeats <paramref name="attempt"/> until a few tries after <paramref name="blocked"/>, reporting how each of those ended.</summary>
    private static async Task RaceAsync(Func<Task> attempt, Task blocked, Action refused, Action accepted)
    {
        var afterBlock = 0;
        while (afterBlock < 3)
        {
            var wasBlocked = blocked.IsCompleted;
            try
            {
                await attempt();
                if (wasBlocked)
                {
                    accepted();
                    afterBlock++;
                }
            }
            catch (RelationBlockedException)
            {
                if (wasBlocked)
                {
                    refused();
                    afterBlock++;
                }
            }
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
