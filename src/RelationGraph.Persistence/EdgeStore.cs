using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Persistence.Writes;

namespace RelationGraph.Persistence;

/// <summary>
/// Reads and writes edges on the owner's shard. Writes are idempotent last-writer-wins applications of events
/// (see <c>apply_edge</c> in the shard schema); pages are keyset-paginated, newest first.
/// </summary>
public sealed partial class EdgeStore(
    ShardSet shards,
    IOptions<StorageOptions> options,
    StreamBackPressure? backPressure = null,
    StreamMetrics? streamMetrics = null,
    IOptions<StreamOptions>? streamOptions = null,
    StreamQueueSignals? streamSignals = null,
    PageCursorCodec? cursors = null,
    EdgeMetrics? edgeMetrics = null)
    : IAsyncDisposable
{
    private readonly PageCursorCodec _cursors = cursors ?? PageCursorCodec.Ephemeral();
    private readonly ConcurrentDictionary<Shard, ShardWriter> _writers = new();

    /// <summary>
    /// The first-page query: <c>$1</c> owner, <c>$2</c> direction, <c>$3</c> rows (a page plus one, to know whether more follow).
    /// Public so that baselines compare against exactly what the service runs.
    /// </summary>
    public const string FirstPageSql = """
        SELECT other_id, event_at FROM edges
        WHERE owner_id = $1 AND direction = $2 AND state = 1
        ORDER BY event_at DESC, other_id DESC LIMIT $3
        """;

    private const string NextPageSql = """
        SELECT other_id, event_at FROM edges
        WHERE owner_id = $1 AND direction = $2 AND state = 1 AND (event_at, other_id) < ($4, $5)
        ORDER BY event_at DESC, other_id DESC LIMIT $3
        """;

    /// <summary>
    /// Applies an event to the <paramref name="direction"/> row of (<paramref name="owner"/>, <paramref name="other"/>);
    /// true when its state flipped. With <paramref name="outbox"/>, that stream event is appended to the owner's shard
    /// in the same transaction, so the write and its event commit or fail together. Concurrent writes to a shard share
    /// transactions (group commit); the task completes once the write's transaction has committed.
    /// </summary>
    public async Task<bool> ApplyAsync(
        EdgeDirection direction, UserId owner, UserId other, EdgeState state, DateTimeOffset eventAt, StreamEvent? outbox = null, CancellationToken cancellationToken = default) =>
        await ApplyEventAsync(direction, owner, other, state, eventAt, outbox, cancellationToken: cancellationToken) == EdgeOutcome.Changed;

    /// <summary>
    /// As <see cref="ApplyAsync"/>, answering in full: an activating event between two users one of whom blocks the other
    /// is refused (<see cref="EdgeOutcome.OwnerBlocks"/>, <see cref="EdgeOutcome.BlockedByOther"/>), and then neither it
    /// nor its <paramref name="outbox"/> event is written. Any event naming a deleted user is refused with
    /// <see cref="UserDeletedException"/>. An <paramref name="unread"/> write, sent without reading the edge
    /// first, is applied only when it flips the edge with a newer event, and answers <see cref="EdgeOutcome.Unapplied"/> otherwise.
    /// </summary>
    public async Task<EdgeOutcome> ApplyEventAsync(
        EdgeDirection direction, UserId owner, UserId other, EdgeState state, DateTimeOffset eventAt, StreamEvent? outbox = null, bool unread = false,
        CancellationToken cancellationToken = default)
    {
        var shard = shards.For(owner);
        using var span = StartWriteSpan(shard, direction, owner, 1);
        try
        {
            if (outbox is not null && backPressure is not null)
            {
                await shard.RunAsync(async (dataSource, ct) => { await backPressure.WaitForRoomAsync(dataSource, outbox, ct); return true; }, cancellationToken);
            }

            // The outbox row carries this span's context, so the fan write joins the follow's trace.
            var traced = outbox is not null && outbox.TraceParent is null ? outbox with { TraceParent = RelationGraphTracing.CurrentTraceParent } : outbox;
            var outcome = await WriterFor(shard).WriteAsync(new EdgeWrite(direction, owner, other, state, eventAt, traced, unread), cancellationToken);
            if (outcome == EdgeOutcome.Unapplied)
            {
                return outcome;
            }

            if (outcome is EdgeOutcome.OwnerDeleted or EdgeOutcome.OtherDeleted)
            {
                throw UserDeletedException.Of(outcome == EdgeOutcome.OwnerDeleted ? owner : other);
            }

            if (outbox is not null && outcome < EdgeOutcome.OwnerBlocks)
            {
                streamMetrics?.RecordAppended();
            }

            var changed = outcome == EdgeOutcome.Changed;
            edgeMetrics?.RecordWrites(direction, changed ? 1 : 0, changed ? 0 : 1);
            return outcome;
        }
        catch (ShardUnavailableException exception)
        {
            edgeMetrics?.RecordShardError(shard.Name);
            span?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    /// <summary>
    /// Writes the current trace context of the follow (<paramref name="owner"/>, <paramref name="other"/>) to the shard's
    /// replication log as a non-transactional logical message, so that the Cdc feed, which decodes only rows, can hand it
    /// to the fan grain with the change. Nothing when there is no current span.
    /// </summary>
    public Task AnnounceTraceAsync(UserId owner, UserId other, CancellationToken cancellationToken = default)
    {
        if (RelationGraphTracing.CurrentTraceParent is not { } traceParent)
        {
            return Task.CompletedTask;
        }

        return shards.For(owner).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT pg_logical_emit_message(false, $1, $2)");
            command.Parameters.Add(new() { Value = RelationGraphTracing.WalMessagePrefix });
            command.Parameters.Add(new() { Value = $"{owner.Value}:{other.Value}:{traceParent}" });
            return await command.ExecuteScalarAsync(ct);
        }, cancellationToken);
    }

    /// <summary>
    /// Applies several events to <paramref name="owner"/>'s rows in <paramref name="direction"/>, queued together so they
    /// share commits; answers each event's outcome. Completes once every one has committed.
    /// </summary>
    public Task<EdgeOutcome[]> ApplyAllAsync(
        EdgeDirection direction, UserId owner, IEnumerable<(UserId Other, EdgeState State, DateTimeOffset EventAt)> events, CancellationToken cancellationToken = default) =>
        ApplyAllAsync(owner, events.Select(e => (direction, e.Other, e.State, e.EventAt)), cancellationToken);

    /// <summary>As the other overload, each event in a direction of its own.</summary>
    public async Task<EdgeOutcome[]> ApplyAllAsync(
        UserId owner, IEnumerable<(EdgeDirection Direction, UserId Other, EdgeState State, DateTimeOffset EventAt)> events, CancellationToken cancellationToken = default)
    {
        var shard = shards.For(owner);
        var writes = events.Select(e => new EdgeWrite(e.Direction, owner, e.Other, e.State, e.EventAt, null)).ToList();
        using var span = StartWriteSpan(shard, writes.Count > 0 ? writes[0].Direction : EdgeDirection.Fans, owner, writes.Count);
        var writer = WriterFor(shard);
        try
        {
            var outcomes = await Task.WhenAll(writes.Select(w => writer.WriteAsync(w, cancellationToken)));
            foreach (var direction in writes.Select(w => w.Direction).Distinct())
            {
                var ofDirection = writes.Zip(outcomes).Where(w => w.First.Direction == direction).ToList();
                var changed = ofDirection.Count(w => w.Second == EdgeOutcome.Changed);
                edgeMetrics?.RecordWrites(direction, changed, ofDirection.Count - changed);
            }

            return outcomes;
        }
        catch (ShardUnavailableException exception)
        {
            edgeMetrics?.RecordShardError(shard.Name);
            span?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    /// <summary>The stored register of an edge, tombstones included; null when the edge was never written.</summary>
    public Task<EdgeRecord?> GetAsync(EdgeDirection direction, UserId owner, UserId other, CancellationToken cancellationToken = default) =>
        shards.For(owner).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT state, event_at FROM edges WHERE owner_id = $1 AND direction = $2 AND other_id = $3");
            command.Parameters.Add(new() { Value = owner.Value });
            command.Parameters.Add(new() { Value = (short)direction });
            command.Parameters.Add(new() { Value = other.Value });
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? new EdgeRecord((EdgeState)reader.GetInt16(0), reader.GetFieldValue<DateTimeOffset>(1))
                : null;
        }, cancellationToken);

    /// <summary>
    /// A page of <paramref name="owner"/>'s active edges in <paramref name="direction"/>, newest first. With
    /// <paramref name="checkDeleted"/>, whether the owner is deleted is read in the same round trip, and a deleted owner
    /// throws <see cref="UserDeletedException"/>.
    /// </summary>
    public Task<EdgePage> GetPageAsync(EdgeDirection direction, UserId owner, PageRequest page, bool checkDeleted = false, CancellationToken cancellationToken = default)
    {
        page.Validate();
        var list = ListName(direction);
        var after = page.Cursor is null ? (PageCursor?)null : _cursors.Open(list, owner, page.Cursor);
        return shards.For(owner).RunAsync(async (dataSource, ct) =>
        {
            await using var batch = dataSource.CreateBatch();
            if (checkDeleted)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(IsDeletedSql) { Parameters = { new() { Value = owner.Value } } });
            }

            var command = new NpgsqlBatchCommand(after is null ? FirstPageSql : NextPageSql);
            batch.BatchCommands.Add(command);
            command.Parameters.Add(new() { Value = owner.Value });
            command.Parameters.Add(new() { Value = (short)direction });
            command.Parameters.Add(new() { Value = page.Limit + 1 });
            if (after is { } cursor)
            {
                command.Parameters.Add(new() { Value = EventTime.FromMicros(cursor.EventAtMicros) });
                command.Parameters.Add(new() { Value = cursor.OtherId });
            }

            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (checkDeleted)
            {
                await reader.ReadAsync(ct);
                if (reader.GetBoolean(0))
                {
                    throw UserDeletedException.Of(owner);
                }

                await reader.NextResultAsync(ct);
            }

            var items = new List<Edge>(Math.Min(page.Limit + 1, 64));
            while (await reader.ReadAsync(ct))
            {
                items.Add(new Edge(new UserId(reader.GetInt64(0)), reader.GetFieldValue<DateTimeOffset>(1)));
            }

            if (items.Count <= page.Limit)
            {
                return new EdgePage(items, null);
            }

            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            return new EdgePage(items, _cursors.Seal(list, owner, new PageCursor(EventTime.ToMicros(last.Since), last.UserId.Value)));
        }, cancellationToken);
    }

    /// <summary>How many active edges <paramref name="owner"/> has in <paramref name="direction"/>.</summary>
    public Task<long> GetCountAsync(EdgeDirection direction, UserId owner, CancellationToken cancellationToken = default) =>
        shards.For(owner).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("SELECT count FROM edge_counts WHERE owner_id = $1 AND direction = $2");
            command.Parameters.Add(new() { Value = owner.Value });
            command.Parameters.Add(new() { Value = (short)direction });
            return await command.ExecuteScalarAsync(ct) is long count ? count : 0;
        }, cancellationToken);

    /// <summary>
    /// <paramref name="user"/>'s following, fan and friend counts in one query; throws <see cref="UserDeletedException"/> when
    /// the user is deleted.
    /// </summary>
    public Task<Counts> GetCountsAsync(UserId user, CancellationToken cancellationToken = default) =>
        shards.For(user).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT EXISTS (SELECT 1 FROM erased_users WHERE user_id = $1),
                       coalesce(max(count) FILTER (WHERE direction = 1), 0),
                       coalesce(max(count) FILTER (WHERE direction = 2), 0),
                       coalesce(max(count) FILTER (WHERE direction = 7), 0)
                FROM edge_counts WHERE owner_id = $1 AND direction IN (1, 2, 7)
                """);
            command.Parameters.Add(new() { Value = user.Value });
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return reader.GetBoolean(0)
                ? throw UserDeletedException.Of(user)
                : new Counts(user, reader.GetInt64(1), reader.GetInt64(2)) { Friends = reader.GetInt64(3) };
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values)
        {
            await writer.DisposeAsync();
        }
    }

    /// <summary>The name a list's cursors are bound to (<see cref="PageCursorCodec"/>).</summary>
    private static string ListName(EdgeDirection direction) => direction == EdgeDirection.Following ? "following" : "fans";

    private static Activity? StartWriteSpan(Shard shard, EdgeDirection direction, UserId owner, int events)
    {
        var span = RelationGraphTracing.Source.StartActivity("shard write", ActivityKind.Client);
        span?.SetTag("db.system.name", "postgresql");
        span?.SetTag("db.namespace", shard.Database.Database);
        span?.SetTag("relationgraph.direction", direction.ToString().ToLowerInvariant());
        span?.SetTag("relationgraph.owner", owner.Value);
        span?.SetTag("relationgraph.events", events);
        return span;
    }

    private ShardWriter WriterFor(Shard shard) =>
        _writers.TryGetValue(shard, out var writer) ? writer : _writers.GetOrAdd(shard, NewWriter);

    private ShardWriter NewWriter(Shard shard) =>
        new(shard, options.Value.WriteFlushesPerShard, options.Value.MaxWriteBatch, streamOptions?.Value.QueuesPerDatabase ?? new StreamOptions().QueuesPerDatabase, streamSignals, edgeMetrics);
}
