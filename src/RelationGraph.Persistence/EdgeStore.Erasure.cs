using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence;

/// <summary>Account deletion: the per-shard marker, the walk over a deleted user's rows, and the checks it waits on.</summary>
public sealed partial class EdgeStore
{
    /// <summary>The shards, for the erasure's per-shard steps.</summary>
    public ShardSet Shards => shards;

    private const string IsDeletedSql = "SELECT EXISTS (SELECT 1 FROM erased_users WHERE user_id = $1)";

    /// <summary>Whether <paramref name="user"/> is marked deleted (its erasure started), read on the user's own shard.</summary>
    public Task<bool> IsDeletedAsync(UserId user, CancellationToken cancellationToken = default) =>
        shards.For(user).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(IsDeletedSql);
            command.Parameters.Add(new() { Value = user.Value });
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    /// <summary>
    /// Marks <paramref name="user"/> deleted on <paramref name="shard"/> (idempotent) and answers the shard's clock after
    /// the mark committed: every transaction that began before it may have written without seeing the mark.
    /// </summary>
    public static Task<DateTimeOffset> MarkDeletedAsync(Shard shard, UserId user, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using (var mark = dataSource.CreateCommand("INSERT INTO erased_users (user_id) VALUES ($1) ON CONFLICT DO NOTHING"))
            {
                mark.Parameters.Add(new() { Value = user.Value });
                await mark.ExecuteNonQueryAsync(ct);
            }

            await using var clock = dataSource.CreateCommand("SELECT clock_timestamp()");
            await using var reader = await clock.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return reader.GetFieldValue<DateTimeOffset>(0);
        }, cancellationToken);

    /// <summary>Whether every other transaction on <paramref name="shard"/> that began before <paramref name="since"/> has ended.</summary>
    public static Task<bool> EarlierTransactionsEndedAsync(Shard shard, DateTimeOffset since, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT NOT EXISTS (
                    SELECT 1 FROM pg_stat_activity
                    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start < $1)
                """);
            command.Parameters.Add(new() { Value = since });
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    /// <summary>How many rows <paramref name="user"/> owns, in every direction, tombstones included.</summary>
    public Task<long> CountOwnRowsAsync(UserId user, CancellationToken cancellationToken = default) =>
        shards.For(user).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM edges WHERE owner_id = $1");
            command.Parameters.Add(new() { Value = user.Value });
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of <paramref name="user"/>'s rows after (<paramref name="afterDirection"/>, <paramref name="afterOther"/>), in key order.</summary>
    public Task<List<(short Direction, long Other)>> ReadOwnRowsAsync(UserId user, short afterDirection, long afterOther, int limit, CancellationToken cancellationToken = default) =>
        shards.For(user).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT direction, other_id FROM edges
                WHERE owner_id = $1 AND (direction, other_id) > ($2, $3)
                ORDER BY direction, other_id LIMIT $4
                """);
            command.Parameters.Add(new() { Value = user.Value });
            command.Parameters.Add(new() { Value = afterDirection });
            command.Parameters.Add(new() { Value = afterOther });
            command.Parameters.Add(new() { Value = limit });
            var rows = new List<(short, long)>(limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt16(0), reader.GetInt64(1)));
            }

            return rows;
        }, cancellationToken);

    /// <summary>
    /// Deletes every row that <paramref name="others"/> hold about <paramref name="user"/> (each on its own shard, in every
    /// direction), with their counts, then <paramref name="user"/>'s own rows about them. Idempotent; answers the user's
    /// own rows deleted.
    /// </summary>
    public async Task<long> EraseRelationsAsync(UserId user, IReadOnlyCollection<long> others, CancellationToken cancellationToken = default)
    {
        await EraseRowsAboutAsync(user, others, cancellationToken);
        return await shards.For(user).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT erase_own_rows($1, $2)");
            command.Parameters.Add(new() { Value = user.Value });
            command.Parameters.Add(new() { Value = others.ToArray() });
            return (long)(int)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);
    }

    /// <summary>Deletes every row that <paramref name="owners"/> hold about <paramref name="user"/>, each on its own shard, with their counts.</summary>
    public Task EraseRowsAboutAsync(UserId user, IEnumerable<long> owners, CancellationToken cancellationToken = default) =>
        Task.WhenAll(owners.Distinct().GroupBy(o => shards.For(new UserId(o))).Select(group => group.Key.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT erase_rows_about($1, $2)");
            command.Parameters.Add(new() { Value = user.Value });
            command.Parameters.Add(new() { Value = group.ToArray() });
            return await command.ExecuteScalarAsync(ct);
        }, cancellationToken)));

    /// <summary>
    /// Where <paramref name="shard"/>'s fan-copy feeds stand now: the newest outbox event and the current WAL position. Once
    /// <see cref="FeedsPassedAsync"/> holds for them, every reverse copy committed before this call has been delivered.
    /// </summary>
    public static Task<(long Sequence, ulong Lsn)> FeedPositionAsync(Shard shard, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT coalesce((SELECT max(sequence) FROM stream_events), 0), pg_current_wal_lsn()");
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), (ulong)reader.GetFieldValue<NpgsqlTypes.NpgsqlLogSequenceNumber>(1));
        }, cancellationToken);

    /// <summary>
    /// Whether <paramref name="shard"/>'s outbox holds no event up to <paramref name="sequence"/> and every logical
    /// replication slot of its database confirmed <paramref name="lsn"/> (the Cdc feed).
    /// </summary>
    public static Task<bool> FeedsPassedAsync(Shard shard, long sequence, ulong lsn, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT NOT EXISTS (SELECT 1 FROM stream_events WHERE sequence <= $1)
                   AND NOT EXISTS (SELECT 1 FROM pg_replication_slots
                                   WHERE database = current_database() AND slot_type = 'logical' AND coalesce(confirmed_flush_lsn < $2, true))
                """);
            command.Parameters.Add(new() { Value = sequence });
            command.Parameters.Add(new() { Value = new NpgsqlTypes.NpgsqlLogSequenceNumber(lsn), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.PgLsn });
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    /// <summary>Records on <paramref name="shard"/> that the walk of <paramref name="user"/>'s rows has finished.</summary>
    public static Task MarkWalkedAsync(Shard shard, UserId user, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("UPDATE erased_users SET walked_at = coalesce(walked_at, clock_timestamp()) WHERE user_id = $1");
            command.Parameters.Add(new() { Value = user.Value });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>
    /// The erasures on <paramref name="shard"/> not settled by <paramref name="since"/>: users whose walk has not finished,
    /// or finished after it; with whether it has finished.
    /// </summary>
    public static Task<List<(long User, bool Walked)>> ReadUnsettledErasuresAsync(Shard shard, DateTimeOffset since, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT user_id, walked_at IS NOT NULL FROM erased_users WHERE coalesce(walked_at, 'infinity'::timestamptz) > $1");
            command.Parameters.Add(new() { Value = since });
            await using var reader = await command.ExecuteReaderAsync(ct);
            var erasures = new List<(long, bool)>();
            while (await reader.ReadAsync(ct))
            {
                erasures.Add((reader.GetInt64(0), reader.GetBoolean(1)));
            }

            return erasures;
        }, cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> of <paramref name="shard"/>'s dead letters after <paramref name="after"/> (queue, then
    /// sequence), with their payloads: an event names its follower only there.
    /// </summary>
    public static Task<List<(int Queue, long Sequence, byte[] Payload)>> ReadDeadLettersAsync(
        Shard shard, (int Queue, long Sequence) after, int limit, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT queue, sequence, payload FROM stream_dead_letters WHERE (queue, sequence) > ($1, $2) ORDER BY queue, sequence LIMIT $3");
            command.Parameters.Add(new() { Value = after.Queue });
            command.Parameters.Add(new() { Value = after.Sequence });
            command.Parameters.Add(new() { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(ct);
            var letters = new List<(int, long, byte[])>();
            while (await reader.ReadAsync(ct))
            {
                letters.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
            }

            return letters;
        }, cancellationToken);

    /// <summary>Removes these dead letters from <paramref name="shard"/>.</summary>
    public static Task<int> DeleteDeadLettersAsync(Shard shard, IReadOnlyList<(int Queue, long Sequence)> letters, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(
                "DELETE FROM stream_dead_letters WHERE (queue, sequence) IN (SELECT * FROM unnest($1::integer[], $2::bigint[]))");
            command.Parameters.Add(new() { Value = letters.Select(l => l.Queue).ToArray() });
            command.Parameters.Add(new() { Value = letters.Select(l => l.Sequence).ToArray() });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>
    /// The erasure's last step on <paramref name="shard"/>: the user's counts, their fan buckets, and whatever the change
    /// log and the dead letters still name of them.
    /// </summary>
    public static Task FinishErasureAsync(Shard shard, UserId user, CancellationToken cancellationToken) =>
        shard.RunAsync(async (dataSource, ct) =>
        {
            await using var batch = dataSource.CreateBatch();
            foreach (var sql in (string[])[
                "DELETE FROM edge_counts WHERE owner_id = $1",
                "DELETE FROM fan_buckets WHERE user_id = $1",
                "DELETE FROM edge_changes WHERE follower_id = $1 OR followee_id = $1",
                "DELETE FROM stream_dead_letters WHERE stream_key = $1"])
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(new() { Value = user.Value });
                batch.BatchCommands.Add(command);
            }

            return await batch.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
