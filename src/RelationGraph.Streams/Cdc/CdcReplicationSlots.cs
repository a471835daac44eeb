using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams.Cdc;

/// <summary>
/// The logical replication slots of the Cdc mode, one per shard database, over the publication of <c>following</c>
/// (created by shard migration <c>002_cdc_publication.sql</c>). In Cdc mode they must exist before the silo serves a
/// follow, so no acknowledged follow can predate its slot; in another mode they are dropped (when no one reads them),
/// so none pins WAL forever.
/// </summary>
public static partial class CdcReplicationSlots
{
    /// <summary>The publication every slot reads: all committed rows of <c>following</c>.</summary>
    public const string Publication = "relationgraph_following";

    /// <summary>The slot of <paramref name="database"/>. Slot names are server-wide, so they carry the database name.</summary>
    public static string SlotName(string database) =>
        $"rg_cdc_{new string(database.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray())}";

    /// <summary>
    /// In Cdc mode (<paramref name="cdcMode"/>), creates every shard's slot unless it exists; otherwise drops every
    /// shard's slot unless someone still reads it. Call it at silo start, after <paramref name="shards"/> is initialized
    /// and before the silo serves any grain call.
    /// </summary>
    public static async Task EnsureSlotsAsync(ShardSet shards, bool cdcMode, CancellationToken cancellationToken, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var sql = cdcMode
            ? "SELECT pg_create_logical_replication_slot($1, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)"
            : "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active";
        foreach (var shard in shards.All)
        {
            var slot = SlotName(shard.Database.Database);
            var changed = await shard.RunAsync(async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand(sql);
                command.Parameters.Add(new() { Value = slot });
                try
                {
                    // The statement returns one row when it created (dropped) the slot, none when there was nothing to do.
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    return await reader.ReadAsync(ct);
                }
                catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateObject)
                {
                    return false; // Another silo created it at the same moment.
                }
            }, cancellationToken);

            if (changed)
            {
                if (cdcMode)
                {
                    LogCreated(logger, slot, shard.Name);
                }
                else
                {
                    LogDropped(logger, slot, shard.Name);
                }
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Created replication slot {Slot} on shard {Shard}")]
    private static partial void LogCreated(ILogger logger, string slot, string shard);

    [LoggerMessage(2, LogLevel.Information, "Dropped replication slot {Slot} on shard {Shard}: the deployment runs another redundancy mode")]
    private static partial void LogDropped(ILogger logger, string slot, string shard);
}
