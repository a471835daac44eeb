using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.BulkImport;

/// <summary>
/// Loads an edge list into both copies, sharded: each follow becomes a <c>following</c> row on the follower's shard and a
/// <c>fans</c> row on the followee's shard. Rows go by binary COPY into a temporary table per shard batch, then one
/// statement merges them (last writer wins, an existing follow is never bumped, a tombstone is revived only by a newer
/// follow) and adds exactly the flips to the counts, so re-running an import changes nothing. The whole input is
/// validated before anything is written.
/// </summary>
public sealed class EdgeImporter(ShardSet shards, int batchSize = 50_000)
{
    private const string MergeSql = """
        WITH source AS (
            SELECT DISTINCT ON (owner_id, direction, other_id) owner_id, direction, other_id, event_at
            FROM import_edges ORDER BY owner_id, direction, other_id, event_at DESC),
        merged AS (
            INSERT INTO edges AS e (owner_id, direction, other_id, state, event_at)
            SELECT owner_id, direction, other_id, 1, event_at FROM source
            ON CONFLICT (owner_id, direction, other_id) DO UPDATE SET state = 1, event_at = excluded.event_at, updated_at = now()
            WHERE e.state = 0 AND excluded.event_at > e.event_at
            RETURNING e.owner_id, e.direction),
        counted AS (
            INSERT INTO edge_counts AS c (owner_id, direction, count)
            SELECT owner_id, direction, count(*) FROM merged GROUP BY owner_id, direction
            ON CONFLICT (owner_id, direction) DO UPDATE SET count = c.count + excluded.count)
        SELECT count(*) FILTER (WHERE direction = 1) FROM merged
        """;

    /// <summary>Imports the edge list in <paramref name="path"/>; throws <see cref="FormatException"/> (writing nothing) on the first bad line.</summary>
    public async Task<ImportSummary> ImportAsync(string path, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var total = await ValidateAsync(path, cancellationToken);
        var importedAt = EventTime.Truncate(DateTimeOffset.UtcNow);
        var buffers = shards.All.Select(_ => new List<ImportRow>(batchSize)).ToArray();
        var flushes = new Task<long>?[buffers.Length];
        long done = 0, flushed = 0;
        var clock = Stopwatch.StartNew();
        using (var reader = new StreamReader(path))
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                var line = EdgeListLine.Parse(text, 0);
                var at = line.UnixMilliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : importedAt;
                await BufferAsync(line.Follower, EdgeDirection.Following, line.Followee, at);
                await BufferAsync(line.Followee, EdgeDirection.Fans, line.Follower, at);
                if (++done % 10_000 == 0)
                {
                    progress?.Report(new ImportProgress(done, total, clock.Elapsed));
                }
            }
        }

        for (var shard = 0; shard < buffers.Length; shard++)
        {
            await StartFlushAsync(shard);
        }

        var newFollows = 0L;
        foreach (var flush in flushes.OfType<Task<long>>())
        {
            newFollows += await flush;
        }

        progress?.Report(new ImportProgress(done, total, clock.Elapsed));
        return new ImportSummary(done, newFollows + flushed, clock.Elapsed);

        async ValueTask BufferAsync(long owner, EdgeDirection direction, long other, DateTimeOffset at)
        {
            var shard = shards.For(new UserId(owner)).Database.ShardId;
            buffers[shard].Add(new ImportRow(owner, (short)direction, other, at));
            if (buffers[shard].Count >= batchSize)
            {
                await StartFlushAsync(shard);
            }
        }

        // Each shard writes its batch while the reader fills the next; at most one batch in flight per shard.
        async Task StartFlushAsync(int shard)
        {
            if (flushes[shard] is { } previous)
            {
                flushed += await previous;
            }

            var rows = buffers[shard];
            buffers[shard] = new List<ImportRow>(batchSize);
            flushes[shard] = rows.Count == 0
                ? Task.FromResult(0L)
                : shards.All[shard].RunAsync((dataSource, token) => MergeAsync(dataSource, rows, token), cancellationToken);
        }
    }

    private readonly record struct ImportRow(long Owner, short Direction, long Other, DateTimeOffset At);

    /// <summary>Counts the edges, throwing on the first malformed line.</summary>
    private static async Task<long> ValidateAsync(string path, CancellationToken cancellationToken)
    {
        long lineNumber = 0, edges = 0;
        using var reader = new StreamReader(path);
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(text))
            {
                EdgeListLine.Parse(text, lineNumber);
                edges++;
            }
        }

        return edges;
    }

    private static async Task<long> MergeAsync(NpgsqlDataSource dataSource, List<ImportRow> rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE import_edges (owner_id bigint, direction smallint, other_id bigint, event_at timestamptz) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY import_edges FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (owner, direction, other, at) in rows)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(owner, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(direction, NpgsqlDbType.Smallint, cancellationToken);
                await copy.WriteAsync(other, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        long newFollows;
        await using (var merge = new NpgsqlCommand(MergeSql, connection, transaction))
        {
            newFollows = (long)(await merge.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return newFollows;
    }
}
