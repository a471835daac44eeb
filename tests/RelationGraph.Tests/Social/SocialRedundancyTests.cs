using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Social;

/// <summary>
/// Friend and block rows, in every redundancy mode, end as a replay of the acknowledged operations in every copy, also
/// when a silo is killed halfway. Each test runs a cluster of its own.
/// </summary>
public sealed class SocialRedundancyTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task Friend_and_block_rows_converge_to_a_replay_of_the_acknowledged_operations(string mode)
    {
        await using var cluster = await RedundancyCluster.StartAsync(postgres, mode, silos: 2);
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        var workload = new RandomSocialWorkload(2_000, pairs: 30, operations: 500, seed: 3);

        await workload.RunAsync(client, workers: 8, progress: null, Token);

        await workload.AssertConvergedAsync(cluster.Store(), Convergence, Token);
    }

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task A_silo_killed_mid_workload_loses_no_acknowledged_friendship_or_block(string mode)
    {
        await using var cluster = await RedundancyCluster.StartAsync(
            postgres, mode, new Dictionary<string, string?> { ["RelationGraph:Streams:LeaseDuration"] = "00:00:02" }, killsSilos: true);
        await using var client = await cluster.ConnectRelationGraphClientAsync(
            o =>
            {
                o.MaxAttempts = 12;
                o.ResponseTimeout = TimeSpan.FromSeconds(5);
            },
            Token);
        var workload = new RandomSocialWorkload(3_000, pairs: 30, operations: 500, seed: 4);
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = workload.RunAsync(client, workers: 8, acknowledged => { if (acknowledged == workload.Operations / 3) third.TrySetResult(); }, Token);
        await third.Task.WaitAsync(Convergence, Token);
        await cluster.KillSiloAsync(cluster.Silos[1], Token);
        await run;

        await workload.AssertConvergedAsync(cluster.Store(), Convergence, Token);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
