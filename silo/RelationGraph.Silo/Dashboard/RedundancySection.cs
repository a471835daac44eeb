using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Orleans.Streams;
using RelationGraph.Abstractions;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Silo.Hosting;
using RelationGraph.Streams;
using RelationGraph.Streams.Cdc;

namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// How the fan copies keep up: the redundancy mode; each stream queue (Stream) or replication slot (Cdc) with the silo
/// that pulls it and its depth; this silo's landing lag over time; and the dead letters, with a replay button.
/// </summary>
internal sealed class RedundancySection(
    IServiceProvider services, ShardSet shards, DashboardMetrics metrics, IOptions<RedundancyOptions> redundancy) : IDashboardSection
{
    public string Id => "redundancy";

    public int Order => 20;

    public async Task<DashboardView> ReadAsync(CancellationToken cancellationToken)
    {
        var mode = redundancy.Value.Redundancy;
        var tables = new List<DashboardTable>();
        switch (mode)
        {
            case Redundancy.Stream:
                tables.Add(await OutboxQueuesAsync(cancellationToken));
                break;
            case Redundancy.Cdc:
                tables.Add(await SlotsAsync(cancellationToken));
                break;
        }

        tables.Add(await DeadLettersAsync(cancellationToken));
        return new DashboardView(Id, "Redundancy", $"Mode: {mode}", tables, [metrics.LandingLag, metrics.Landed], mode == Redundancy.Sync ? [] : [new DashboardAction("Replay dead letters", "dead-letters/replay")]);
    }

    private async Task<DashboardTable> OutboxQueuesAsync(CancellationToken cancellationToken)
    {
        var mapper = (OutboxQueueMapper)Mapper(RelationGraphSiloBuilderExtensions.OutboxStreamProviderName);
        var rows = new List<IReadOnlyList<object?>>();
        var holders = await HoldersAsync(RelationGraphSiloBuilderExtensions.OutboxStreamProviderName, cancellationToken);
        foreach (var queueId in mapper.GetAllQueues())
        {
            var queue = mapper.Decode(queueId);
            var shard = shards.All[queue.ShardId];
            long? depth = null;
            try
            {
                depth = await shard.RunAsync((dataSource, ct) => StreamQueue.EstimateDepthAsync(dataSource, queue.Number, 1_000_000, ct), cancellationToken);
            }
            catch (ShardUnavailableException)
            {
            }

            rows.Add([queueId.ToString(), shard.Database.Database, queue.Number, holders.GetValueOrDefault(queueId.ToString())?.ToString(), depth]);
        }

        return new DashboardTable("queues", ["queue", "database", "number", "pulled by silo", "depth"], rows);
    }

    private async Task<DashboardTable> SlotsAsync(CancellationToken cancellationToken)
    {
        var mapper = Mapper(RelationGraphSiloBuilderExtensions.CdcStreamProviderName);
        var rows = new List<IReadOnlyList<object?>>();
        var holders = await HoldersAsync(RelationGraphSiloBuilderExtensions.CdcStreamProviderName, cancellationToken);
        foreach (var queueId in mapper.GetAllQueues())
        {
            var shard = shards.All[CdcQueueMapper.ShardOf(queueId)];
            var slot = CdcReplicationSlots.SlotName(shard.Database.Database);
            object? active = null, lagBytes = null;
            try
            {
                (active, lagBytes) = await shard.RunAsync(async (dataSource, ct) =>
                {
                    await using var command = dataSource.CreateCommand(
                        "SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = $1");
                    command.Parameters.Add(new NpgsqlParameter { Value = slot });
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    return await reader.ReadAsync(ct) ? ((object?)reader.GetBoolean(0), reader.IsDBNull(1) ? null : (object?)reader.GetInt64(1)) : (null, null);
                }, cancellationToken);
            }
            catch (ShardUnavailableException)
            {
            }

            rows.Add([queueId.ToString(), shard.Database.Database, slot, holders.GetValueOrDefault(queueId.ToString())?.ToString(), active, lagBytes]);
        }

        return new DashboardTable("slots", ["queue", "database", "slot", "pulled by silo", "active", "depth (WAL bytes behind)"], rows);
    }

    private async Task<DashboardTable> DeadLettersAsync(CancellationToken cancellationToken)
    {
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var shard in shards.All)
        {
            try
            {
                await shard.RunAsync(async (dataSource, ct) =>
                {
                    await using var command = dataSource.CreateCommand(
                        "SELECT queue, sequence, stream_key, attempts, failed_at, error FROM stream_dead_letters ORDER BY failed_at DESC LIMIT 10");
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        rows.Add([shard.Database.Database, reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5)]);
                    }

                    return true;
                }, cancellationToken);
            }
            catch (ShardUnavailableException)
            {
            }
        }

        return new DashboardTable("dead letters", ["database", "queue", "sequence", "stream key", "attempts", "failed at", "error"], rows);
    }

    /// <summary>The silo holding each queue's lease, as the balancers took them (<see cref="PostgresLeaseProvider"/>).</summary>
    private Task<IReadOnlyDictionary<string, SiloAddress>> HoldersAsync(string provider, CancellationToken cancellationToken) =>
        services.GetRequiredService<PostgresLeaseProvider>().HoldersAsync(provider, cancellationToken);

    private IStreamQueueMapper Mapper(string provider) => services.GetRequiredKeyedService<IQueueAdapterFactory>(provider).GetStreamQueueMapper();
}
