using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Serialization;
using RelationGraph.Streams.Cdc;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// The Cdc provider's receiver on its own, over a real slot: Orleans hands a queue on (a silo joins, leaves or dies) by
/// shutting its receiver down, and the next owner can read the slot only once the old reader has let go of it.
/// </summary>
public sealed class CdcReceiverTests(PostgresFixture postgres)
{
    /// <summary>
    /// Half the server's <c>wal_sender_timeout</c> (60 s), which is what ends a reader nobody stops: room for a WAL sender
    /// that is slow to exit on a loaded machine (10 s was exceeded once at load average 17), while a reader left running
    /// still fails the test.
    /// </summary>
    private static readonly TimeSpan Release = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_receiver_shut_down_right_after_it_started_lets_go_of_its_slot_at_once()
    {
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("cdc_receiver"));
        var shards = storage.Shards;
        await CdcReplicationSlots.EnsureSlotsAsync(shards, cdcMode: true, Token);
        try
        {
            await using var serialization = new ServiceCollection().AddSerializer().BuildServiceProvider();
            var factory = new CdcQueueAdapterFactory(
                "cdc", new CdcStreamOptions(), new SimpleQueueCacheOptions(), shards, serialization.GetRequiredService<Serializer>(),
                TimeProvider.System, NullLoggerFactory.Instance);
            var adapter = await factory.CreateAdapter(Token);
            var queue = factory.GetStreamQueueMapper().GetAllQueues().First();
            var slot = CdcReplicationSlots.SlotName(shards.All[CdcQueueMapper.ShardOf(queue)].Database.Database);

            // A queue handed on just after its receiver started: the shutdown meets the replication stream while it is
            // still starting. Repeated, since where exactly the two meet is up to the scheduler.
            for (var round = 0; round < 20; round++)
            {
                var receiver = adapter.CreateReceiver(queue);
                await receiver.Initialize(TimeSpan.FromSeconds(30), Token);
                await receiver.Shutdown(TimeSpan.FromSeconds(30), Token);

                await Eventually.WaitAsync(
                    async ct => (await RedundancyCluster.SlotsAsync(postgres.Server.ConnectionString, shards, ct)).Single(s => s.Slot == slot) is { Active: false },
                    Release,
                    () => $"round {round}: slot {slot} is still read after its receiver shut down",
                    Token);
            }
        }
        finally
        {
            await CdcReplicationSlots.EnsureSlotsAsync(shards, cdcMode: false, CancellationToken.None);
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
