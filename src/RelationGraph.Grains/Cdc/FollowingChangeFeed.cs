using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using RelationGraph.Abstractions;
using RelationGraph.Actors;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Grains.Cdc;

/// <summary>
/// Cdc redundancy: one logical replication consumer per shard (pgoutput over the publication of <c>following</c>)
/// turns every committed following row into a fan write, and acknowledges the slot position only after that write
/// committed, so a crash replays from the slot and loses nothing. Each shard's feed runs on the silo that owns it by
/// placement over the active silos. The slots are created before the silo serves, so no acknowledged follow can
/// predate its slot, and are dropped when the deployment runs another mode, so none pins WAL forever.
/// </summary>
public sealed partial class FollowingChangeFeed(
    ShardSet shards,
    IGrainFactory grains,
    MembershipView membership,
    LocalSiloDetails local,
    SiloControl control,
    TimeProvider time,
    IOptions<RedundancyOptions> options,
    ILogger<FollowingChangeFeed> logger) : BackgroundService
{
    private const string Publication = "relationgraph_following";
    private const int MaxBatch = 256;

    /// <summary>The replication slot of <paramref name="database"/>; slot names are server-wide, so they carry the database name.</summary>
    public static string SlotName(string database) => $"rg_cdc_{new string(database.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray())}";

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var shard in shards.All)
        {
            await shard.RunAsync(async (dataSource, ct) =>
            {
                var slot = SlotName(shard.Database.Database);
                var sql = options.Value.Redundancy == Redundancy.Cdc
                    ? "SELECT pg_create_logical_replication_slot($1, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)"
                    : "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active";
                await using var command = dataSource.CreateCommand(sql);
                command.Parameters.Add(new() { Value = slot });
                try
                {
                    return await command.ExecuteNonQueryAsync(ct);
                }
                catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateObject)
                {
                    return 0; // Another silo created it at the same moment.
                }
            }, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Redundancy != Redundancy.Cdc)
        {
            return;
        }

        var feeds = new PlacedWorkers<Shard>("cdc-feed", membership, local, control);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            do
            {
                feeds.Rebalance(shards.All, s => s.Name, FollowAsync, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }

        await feeds.StopAllAsync();
    }

    private async Task FollowAsync(Shard shard, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(shard, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Unapplied changes stay in the slot; the next connection replays them.
                LogFeedFailed(logger, exception, shard.Name);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 << Math.Min(failures++, 6))), time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task StreamAsync(Shard shard, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(shard.ConnectionString) { Pooling = false }.ConnectionString;
        await using var replication = new LogicalReplicationConnection(connectionString);
        await replication.Open(cancellationToken);
        var slot = new PgOutputReplicationSlot(SlotName(shard.Database.Database));
        LogFeedStarted(logger, shard.Name, slot.Name);

        // Decoding and applying run side by side, so the changes that arrive while a batch is applied form the next
        // batch. Whichever fails first stops the other; the connection goes only after both have ended.
        var changes = Channel.CreateBounded<(FollowChanged? Change, NpgsqlLogSequenceNumber WalEnd)>(
            new BoundedChannelOptions(4 * MaxBatch) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadAsync(replication, slot, changes.Writer, stop.Token);
        var applying = ApplyAsync(replication, changes.Reader, stop.Token);
        await Task.WhenAny(reading, applying);
        await stop.CancelAsync();
        await Task.WhenAll(reading, applying);
    }

    private static async Task ReadAsync(
        LogicalReplicationConnection replication, PgOutputReplicationSlot slot, ChannelWriter<(FollowChanged?, NpgsqlLogSequenceNumber)> changes, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in replication.StartReplication(slot, new PgOutputReplicationOptions(Publication, PgOutputProtocolVersion.V1, binary: true), cancellationToken))
            {
                var row = message switch
                {
                    InsertMessage insert => insert.NewRow,
                    UpdateMessage update => update.NewRow,
                    _ => null,
                };

                // The row must be read before the next message replaces it.
                await changes.WriteAsync((row is null ? null : await ReadChangeAsync(row, cancellationToken), message.WalEnd), cancellationToken);
            }
        }
        finally
        {
            changes.TryComplete();
        }
    }

    /// <summary>
    /// Applies what has been decoded, up to <see cref="MaxBatch"/> messages at a time: each followee's changes in commit
    /// order in one call, followees concurrently. The slot is acknowledged only up to what has been applied, so after a
    /// crash it replays the rest.
    /// </summary>
    private async Task ApplyAsync(LogicalReplicationConnection replication, ChannelReader<(FollowChanged? Change, NpgsqlLogSequenceNumber WalEnd)> changes, CancellationToken cancellationToken)
    {
        var batch = new List<(FollowChanged? Change, NpgsqlLogSequenceNumber WalEnd)>(MaxBatch);
        while (await changes.WaitToReadAsync(cancellationToken))
        {
            while (batch.Count < MaxBatch && changes.TryRead(out var item))
            {
                batch.Add(item);
            }

            await Task.WhenAll(batch
                .Where(item => item.Change is not null)
                .GroupBy(item => item.Change!.Followee)
                .Select(followee => grains.GetGrain<IFanGrain>(followee.Key.Value).ApplyAllAsync(followee.Select(item => item.Change!).ToList())));
            replication.SetReplicationStatus(batch[^1].WalEnd);
            batch.Clear();
        }
    }

    /// <summary>A row of <c>following</c> (binary), in column order: owner_id, direction, other_id, state, event_at, updated_at.</summary>
    private static async Task<FollowChanged> ReadChangeAsync(ReplicationTuple row, CancellationToken cancellationToken)
    {
        long owner = 0, other = 0;
        short state = 0;
        var eventAt = default(DateTime);
        var column = 0;
        await foreach (var value in row)
        {
            switch (column++)
            {
                case 0: owner = await value.Get<long>(cancellationToken); break;
                case 2: other = await value.Get<long>(cancellationToken); break;
                case 3: state = await value.Get<short>(cancellationToken); break;
                case 4: eventAt = await value.Get<DateTime>(cancellationToken); break;
                default: break; // Unread values are skipped when the enumerator moves on.
            }
        }

        return new FollowChanged(new UserId(owner), new UserId(other), (EdgeState)state, new DateTimeOffset(eventAt, TimeSpan.Zero));
    }

    [LoggerMessage(1, LogLevel.Information, "Change feed of shard {Shard} streaming from slot {Slot}")]
    private static partial void LogFeedStarted(ILogger logger, string shard, string slot);

    [LoggerMessage(2, LogLevel.Warning, "Change feed of shard {Shard} failed; it resumes from its slot")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, string shard);
}
