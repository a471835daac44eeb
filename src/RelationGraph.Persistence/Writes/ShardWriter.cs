using System.Threading.Channels;
using Npgsql;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.Writes;

/// <summary>
/// Group commit for one shard: writes that arrive while earlier ones are committing are applied together in one
/// transaction (one round trip, one WAL flush) by the next free flusher. A caller's write is acknowledged only after
/// its transaction committed. An idle shard adds no delay: a lone write is taken at once by a waiting flusher.
/// </summary>
internal sealed class ShardWriter : IAsyncDisposable
{
    private readonly Shard _shard;
    private readonly int _maxBatch;
    private readonly int _queues;
    private readonly StreamQueueSignals? _signals;
    private readonly EdgeMetrics? _metrics;
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>();
    private readonly Task[] _flushers;

    public ShardWriter(Shard shard, int flushers, int maxBatch, int queues, StreamQueueSignals? signals, EdgeMetrics? metrics = null)
    {
        _shard = shard;
        _maxBatch = maxBatch;
        _queues = queues;
        _signals = signals;
        _metrics = metrics;
        _flushers = Enumerable.Range(0, flushers).Select(_ => Task.Run(FlushLoopAsync)).ToArray();
    }

    /// <summary>Applies <paramref name="write"/>: whether the edge's state flipped, or the write was refused by a block.</summary>
    public Task<EdgeOutcome> WriteAsync(EdgeWrite write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(write);
        ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(pending), this);

        // Once queued the write commits or fails on its own; cancelling only stops waiting for the answer.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_flushers);
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<PendingWrite>(_maxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _pending.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        // Concurrent batches lock edge and count rows; taking them in one global order keeps batches from deadlocking.
        batch.Sort(static (a, b) => (a.Write.Direction, a.Write.Owner.Value, a.Write.Other.Value).CompareTo((b.Write.Direction, b.Write.Owner.Value, b.Write.Other.Value)));
        try
        {
            var changed = await _shard.RunAsync((dataSource, ct) => ExecuteAsync(dataSource, batch, ct), CancellationToken.None);
            _metrics?.RecordCommit(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(changed[i]);
                if (batch[i].Write.Outbox is { } outbox)
                {
                    _signals?.Signal(_shard.DataSource, StreamQueue.QueueOf(outbox, _queues));
                }
            }
        }
        catch (PostgresException) when (batch.Count > 1)
        {
            // One bad write must not fail the writes that happened to share its transaction: give each its own.
            foreach (var write in batch)
            {
                await CommitAsync([write]);
            }
        }
        catch (Exception exception)
        {
            foreach (var write in batch)
            {
                write.Completion.TrySetException(exception);
            }
        }
    }

    private const string ApplySql = "SELECT apply_edge_batch($1, $2, $3, $4, $5, $6)";

    private const string ApplyAndAppendSql = """
        WITH applied AS MATERIALIZED (SELECT apply_edge_batch($1, $2, $3, $4, $5, $6) AS outcomes),
        appended AS (
            INSERT INTO stream_events (queue, namespace, stream_key, payload, traceparent)
            SELECT e.queue, e.namespace, e.stream_key, e.payload, e.traceparent
            FROM applied, unnest($7::integer[], $8::text[], $9::bigint[], $10::bytea[], $11::text[]) WITH ORDINALITY
                AS e(queue, namespace, stream_key, payload, traceparent, position)
            WHERE applied.outcomes[e.position::integer] < 2 AND e.queue IS NOT NULL
            ORDER BY e.position)
        SELECT outcomes FROM applied
        """;

    private async Task<EdgeOutcome[]> ExecuteAsync(NpgsqlDataSource dataSource, List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        // One statement whatever the batch size, so its plan is prepared once and a batch costs one parse-free round trip.
        // With stream events it also appends those whose write was not refused by a block, in the same transaction.
        var withEvents = batch.Any(p => p.Write.Outbox is not null);
        await using var command = dataSource.CreateCommand(withEvents ? ApplyAndAppendSql : ApplySql);
        command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Owner.Value).ToArray() });
        command.Parameters.Add(new() { Value = batch.Select(p => (short)p.Write.Direction).ToArray() });
        command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Other.Value).ToArray() });
        command.Parameters.Add(new() { Value = batch.Select(p => (short)p.Write.State).ToArray() });
        command.Parameters.Add(new() { Value = batch.Select(p => EventTime.Truncate(p.Write.EventAt)).ToArray() });
        command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Unread).ToArray() });
        if (withEvents)
        {
            command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Outbox is { } o ? StreamQueue.QueueOf(o, _queues) : (int?)null).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Outbox?.Namespace).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Outbox?.Key).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Outbox?.Payload).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(p => p.Write.Outbox?.TraceParent).ToArray() });
        }

        // One statement is one implicit transaction; the answers count only once the reader has seen it commit.
        short[] outcomes;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            outcomes = reader.GetFieldValue<short[]>(0);
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        return Array.ConvertAll(outcomes, o => (EdgeOutcome)o);
    }

    private sealed class PendingWrite(EdgeWrite write)
    {
        public EdgeWrite Write { get; } = write;

        public TaskCompletionSource<EdgeOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
