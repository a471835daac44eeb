using Microsoft.Extensions.Logging;
using Npgsql;

namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>Pulls one queue: locks a batch in sequence order, delivers it event by event, and deletes it in the same transaction.</summary>
internal sealed partial class PullingAgent(
    string database,
    NpgsqlDataSource dataSource,
    int queue,
    StreamSubscriptions subscriptions,
    IGrainFactory grains,
    StreamOptions options,
    StreamMetrics metrics,
    StreamQueueSignals signals,
    IStreamBatchInterceptor? interceptor,
    TimeProvider time,
    ILogger logger)
{
    private int _polls;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        var emptyPolls = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var delivered = await PumpAsync(cancellationToken);
                failures = 0;
                emptyPolls = delivered == 0 ? emptyPolls + 1 : 0;
                if (delivered >= options.BatchSize)
                {
                    continue;
                }

                if (delivered > 0)
                {
                    // A busy queue: let the next batch gather for a poll interval rather than pulling every event alone,
                    // which would cost a locking read, a delete and a commit per event.
                    await Task.Delay(options.PollInterval, time, cancellationToken);
                    continue;
                }

                // An idle queue: dozens of them polled every few milliseconds would keep a small machine busy, so back off
                // while it stays empty, and rely on the signal for events appended on this silo.
                var wait = TimeSpan.FromTicks(Math.Min(options.MaxPollInterval.Ticks, options.PollInterval.Ticks << Math.Min(emptyPolls - 1, 16)));
                await signals.WaitAsync(dataSource, queue, wait, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The batch rolled back and will be redelivered; back off while the cause (a down shard) persists.
                LogBatchFailed(logger, exception, database, queue);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 50 << Math.Min(failures++, 7))), time, cancellationToken);
            }
        }
    }

    private async Task<int> PumpAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (_polls++ % 64 == 0)
        {
            metrics.RecordDepth(database, queue, await StreamQueue.EstimateDepthAsync(dataSource, queue, cancellationToken));
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var batch = new List<(long Sequence, string Namespace, long Key, byte[] Payload, DateTimeOffset CreatedAt)>();
        await using (var select = new NpgsqlCommand("""
            SELECT sequence, namespace, stream_key, payload, created_at FROM stream_events
            WHERE queue = $1 ORDER BY sequence LIMIT $2 FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.Add(new() { Value = queue });
            select.Parameters.Add(new() { Value = options.BatchSize });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                batch.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        // Each stream gets its events of the batch in sequence order in one call; different streams (different grains)
        // are delivered concurrently, so their writes share the shard's commits instead of waiting on one another.
        var errors = new Exception?[batch.Count];
        await Task.WhenAll(Enumerable.Range(0, batch.Count).GroupBy(i => (batch[i].Namespace, batch[i].Key)).Select(async stream =>
        {
            var indexes = stream.ToList();
            if (indexes.Count == 1 || !await TryDeliverAllAsync(stream.Key.Namespace, stream.Key.Key, indexes.Select(i => batch[i].Payload).ToList()))
            {
                // Isolate the event that fails, so only it is retried and, if poison, dead-lettered.
                foreach (var i in indexes)
                {
                    errors[i] = await DeliverWithRetriesAsync(batch[i].Namespace, batch[i].Key, batch[i].Payload, cancellationToken);
                }
            }

            foreach (var i in indexes.Where(i => errors[i] is null))
            {
                metrics.RecordDelivered(time.GetUtcNow() - batch[i].CreatedAt);
            }
        }));

        for (var i = 0; i < batch.Count; i++)
        {
            if (errors[i] is not { } error)
            {
                continue;
            }

            var item = batch[i];
            await using var deadLetter = new NpgsqlCommand("""
                INSERT INTO stream_dead_letters (queue, sequence, namespace, stream_key, payload, created_at, attempts, error)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
                """, connection, transaction);
            foreach (var value in new object[] { queue, item.Sequence, item.Namespace, item.Key, item.Payload, item.CreatedAt, options.MaxDeliveryAttempts, error.ToString() })
            {
                deadLetter.Parameters.Add(new() { Value = value });
            }

            await deadLetter.ExecuteNonQueryAsync(cancellationToken);
            metrics.RecordDeadLettered();
            LogDeadLettered(logger, error, database, queue, item.Sequence);
        }

        if (interceptor is not null)
        {
            await interceptor.BeforeCheckpointAsync(database, queue, batch.Count);
        }

        await using (var checkpoint = new NpgsqlCommand("DELETE FROM stream_events WHERE queue = $1 AND sequence = ANY($2)", connection, transaction))
        {
            checkpoint.Parameters.Add(new() { Value = queue });
            checkpoint.Parameters.Add(new() { Value = batch.Select(b => b.Sequence).ToArray() });
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    private async Task<bool> TryDeliverAllAsync(string streamNamespace, long key, IReadOnlyList<byte[]> payloads)
    {
        try
        {
            await subscriptions.DeliverAsync(grains, streamNamespace, key, payloads);
            return true;
        }
        catch (Exception exception)
        {
            LogRetrying(logger, database, queue, 1, exception.Message);
            return false;
        }
    }

    /// <summary>
    /// Delivers one event; null on success. After <see cref="StreamOptions.MaxDeliveryAttempts"/> tries a poison event
    /// (one that fails the same way every time) returns its error for the dead-letter table, while a transient failure
    /// (an unreachable silo or shard) is thrown, abandoning the batch for redelivery so an outage loses nothing.
    /// </summary>
    private async Task<Exception?> DeliverWithRetriesAsync(string streamNamespace, long key, byte[] payload, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await subscriptions.DeliverAsync(grains, streamNamespace, key, [payload]);
                return null;
            }
            catch (Exception exception) when (attempt < options.MaxDeliveryAttempts)
            {
                metrics.RecordRedelivered();
                LogRetrying(logger, database, queue, attempt, exception.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2_000, 25 << Math.Min(attempt, 7))), time, cancellationToken);
            }
            catch (Exception exception) when (IsPoison(exception))
            {
                return exception;
            }
        }
    }

    private static bool IsPoison(Exception exception) =>
        exception is ArgumentException or InvalidDataException or FormatException or NotSupportedException or InvalidCastException or NullReferenceException;

    [LoggerMessage(1, LogLevel.Warning, "Stream batch of {Database} queue {Queue} failed; it will be redelivered")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string database, int queue);

    [LoggerMessage(2, LogLevel.Error, "Dead-lettered event {Sequence} of {Database} queue {Queue}")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string database, int queue, long sequence);

    [LoggerMessage(3, LogLevel.Debug, "Delivery in {Database} queue {Queue} failed (attempt {Attempt}): {Reason}")]
    private static partial void LogRetrying(ILogger logger, string database, int queue, int attempt, string reason);
}
