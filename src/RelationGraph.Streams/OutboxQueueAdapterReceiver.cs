using Microsoft.Extensions.Logging;
using RelationGraph.Abstractions;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using RelationGraph.Persistence.Outbox;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams;

/// <summary>
/// Reads one outbox queue (one numbered queue of one shard's <c>stream_events</c>) for Orleans' pulling agent.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GetQueueMessagesAsync(int)"/> leases up to <see cref="StreamOptions.BatchSize"/> free rows in sequence order
/// (a visibility timeout of <see cref="StreamOptions.LeaseDuration"/>, renewed while they wait in the cache) and returns
/// one batch container per stream. Rows are deleted only in <see cref="MessagesDeliveredAsync(IList{IBatchContainer})"/>,
/// which Orleans' <c>SimpleQueueAdapterCache</c> calls once every consumer cursor has passed them; <see cref="Shutdown(TimeSpan)"/>
/// releases the rest. There is no "sequence above a checkpoint" cursor: a transaction that commits after one with a later
/// sequence still has its row read, because every read takes the oldest free rows.
/// </para>
/// <para>
/// Two receivers of one queue (two silos during a rebalance) never hold the same row: leasing skips rows another
/// transaction is leasing and rows under a live lease. A lease that lapses (its silo died) frees its rows: at least once.
/// </para>
/// </remarks>
public sealed partial class OutboxQueueAdapterReceiver : IQueueAdapterReceiver, IDisposable
{
    private static readonly TimeSpan DepthPeriod = TimeSpan.FromSeconds(5);

    private readonly QueueId _queueId;
    private readonly Shard _shard;
    private readonly int _queue;
    private readonly StreamOptions _options;
    private readonly Serializer _serializer;
    private readonly InFlightBatches _inFlight;
    private readonly StreamMetrics _metrics;
    private readonly StreamQueueSignals? _signals;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _renewals = Task.CompletedTask;
    private volatile bool _shutdown;
    private DateTimeOffset _nextReadWhileDown;
    private bool _drained;

    internal OutboxQueueAdapterReceiver(
        QueueId queueId, Shard shard, int queue, StreamOptions options, Serializer serializer, InFlightBatches inFlight,
        StreamMetrics metrics, StreamQueueSignals? signals, TimeProvider time, ILogger logger)
    {
        _queueId = queueId;
        _shard = shard;
        _queue = queue;
        _options = options;
        _serializer = serializer;
        _inFlight = inFlight;
        _metrics = metrics;
        _signals = signals;
        _time = time;
        _logger = logger;
    }

    /// <summary>The receiver's lease owner id (<c>stream_events.lease_owner</c>); new for every receiver.</summary>
    public Guid Owner { get; } = Guid.NewGuid();

    /// <summary>
    /// Starts renewing the leases of the rows this receiver holds, sampling the queue's depth, and taking in rows left in queues
    /// a deployment with more queues per database appended (<see cref="OutboxSql.AdoptAsync"/>).
    /// </summary>
    public Task Initialize(TimeSpan timeout)
    {
        _renewals = Task.Run(() => RenewLoopAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    /// <summary>
    /// Leases the oldest free rows, up to <see cref="StreamOptions.BatchSize"/> and <paramref name="maxCount"/>, and returns
    /// them as one container per stream. When there are none, waits up to <see cref="StreamOptions.MaxPollInterval"/> for an
    /// event committed on this silo and reads again if one comes.
    /// </summary>
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_shutdown)
        {
            return [];
        }

        // While the shard is down, the shard logs the outage once (Shard.Availability); a read that threw would have
        // Orleans log an error per queue and retry. So an unreachable shard reads as an empty queue, tried once a second.
        if (_shard.IsDown && _time.GetUtcNow() < _nextReadWhileDown)
        {
            return [];
        }

        try
        {
            return await ReadAsync(maxCount, cancellationToken);
        }
        catch (ShardUnavailableException)
        {
            _nextReadWhileDown = _time.GetUtcNow() + TimeSpan.FromSeconds(1);
            return [];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The agent is stopping (the silo shuts down) while a lease is in flight: nothing was read, nothing to report.
            return [];
        }
    }

    private async Task<IList<IBatchContainer>> ReadAsync(int maxCount, CancellationToken cancellationToken)
    {

        // The cache limits how many containers it takes; a container holds at least one row, so as many rows always fit.
        var limit = maxCount > 0 ? Math.Min(maxCount, _options.BatchSize) : _options.BatchSize;

        // Orleans delivers a stream's containers one call at a time. Leasing a stream's new rows while its previous batch is
        // still out would cut a busy stream's backlog into many small containers (one per read) and its subscriber would
        // never catch up; left in the table, they come in one container with the next read after that delivery.
        // Orleans reads again at once after a read that found events. When that read took fewer than it could, the queue
        // was empty a moment ago: leasing again now would mostly find nothing, so the receiver first waits for the next
        // commit (or the poll interval, for events of other silos).
        var waitFirst = _drained && _signals is not null && _options.MaxPollInterval > TimeSpan.Zero;
        var busy = _inFlight.StreamKeysOf(Owner);
        var rows = waitFirst ? [] : await OutboxSql.LeaseAsync(_shard, _queue, limit, _options.LeaseDuration, Owner, busy, cancellationToken);
        if (rows.Count == 0 && _signals is not null && _options.MaxPollInterval > TimeSpan.Zero)
        {
            bool signalled;
            try
            {
                signalled = await _signals.WaitAsync(_shard.DataSource, _queue, _options.MaxPollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return [];
            }

            if (_shutdown || !(signalled || waitFirst))
            {
                return [];
            }

            rows = await OutboxSql.LeaseAsync(_shard, _queue, limit, _options.LeaseDuration, Owner, _inFlight.StreamKeysOf(Owner), cancellationToken);
        }

        _drained = rows.Count < limit;
        if (rows.Count == 0)
        {
            return [];
        }

        var containers = await ToContainersAsync(rows, cancellationToken);
        LogRead(_logger, _queueId, rows.Count, containers.Count);
        return containers;
    }

    /// <inheritdoc />
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <summary>Deletes the rows of <paramref name="messages"/>, which every consumer has received.</summary>
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var rows = new List<long>();
        var createdAt = new List<DateTimeOffset>();
        foreach (var message in messages)
        {
            // A batch the failure handler took (retried or dead-lettered) is no longer ours to confirm.
            if (message is OutboxBatchContainer container && _inFlight.TryTake(container.Token.SequenceNumber, out var batch))
            {
                rows.AddRange(batch.Rows);
                createdAt.AddRange(batch.CreatedAt);
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        try
        {
            await OutboxSql.ConfirmAsync(_shard, _queue, rows.ToArray(), cancellationToken);
        }
        catch (Exception exception)
        {
            // No longer renewed, the rows' leases lapse and they are delivered again: at least once.
            LogConfirmFailed(_logger, exception, _queueId, rows.Count);
            throw;
        }

        var now = _time.GetUtcNow();
        foreach (var at in createdAt)
        {
            _metrics.RecordDelivered(now - at);
        }
    }

    /// <inheritdoc />
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    /// <summary>Stops renewing and releases every row this receiver still holds, so the queue's next owner reads them at once.</summary>
    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_shutdown)
        {
            return;
        }

        _shutdown = true;
        await _stopping.CancelAsync();
        await _renewals.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // Only a queue handed on with events still in it is worth a line; an idle one says nothing.
            if (await OutboxSql.ReleaseAsync(_shard, _queue, Owner, deadline.Token) is > 0 and var released)
            {
                LogReleased(_logger, _queueId, released);
            }
        }
        catch (Exception exception)
        {
            // The leases lapse instead.
            LogReleaseFailed(_logger, exception, _queueId, _options.LeaseDuration);
        }
        finally
        {
            _inFlight.RemoveAll(Owner);
            Dispose();
        }
    }

    /// <summary>Frees the renewal loop's resources; <see cref="Shutdown(TimeSpan)"/> does it too.</summary>
    public void Dispose() => _stopping.Dispose();

    private async Task<List<IBatchContainer>> ToContainersAsync(List<LeasedRow> rows, CancellationToken cancellationToken)
    {
        // One container per stream, in the order of each stream's first row; a row that failed before goes alone, so that
        // if it fails again it is dead-lettered by itself.
        var groups = new List<List<(LeasedRow Row, object Event)>>();
        var byStream = new Dictionary<(string, long), List<(LeasedRow, object)>>();
        var undecodable = new List<(LeasedRow Row, Exception Error)>();
        var redelivered = 0;
        foreach (var row in rows)
        {
            redelivered += row.Deliveries > 1 ? 1 : 0;
            object? item;
            try
            {
                item = _serializer.Deserialize<object>(row.Payload);
            }
            catch (Exception exception)
            {
                undecodable.Add((row, exception));
                continue;
            }

            if (item is null)
            {
                undecodable.Add((row, new InvalidDataException("The payload holds null.")));
                continue;
            }

            if (row.Failures > 0)
            {
                groups.Add([(row, item)]);
            }
            else if (byStream.TryGetValue((row.Namespace, row.StreamKey), out var group))
            {
                group.Add((row, item));
            }
            else
            {
                group = [(row, item)];
                byStream.Add((row.Namespace, row.StreamKey), group);
                groups.Add(group);
            }
        }

        if (redelivered > 0)
        {
            _metrics.RecordRedelivered(redelivered);
        }

        foreach (var (row, error) in undecodable)
        {
            await DeadLetterUndecodableAsync(row, error, cancellationToken);
        }

        var containers = new List<IBatchContainer>(groups.Count);
        foreach (var group in groups)
        {
            var first = group[0].Row;
            var position = _inFlight.NextPosition();
            var sequences = group.Select(g => g.Row.Sequence).ToArray();
            _inFlight.Add(position, new LeasedBatch(Owner, _shard, _queue, first.StreamKey, sequences, group.Select(g => g.Row.CreatedAt).ToArray()));
            containers.Add(new OutboxBatchContainer(
                StreamId.Create(first.Namespace, first.StreamKey),
                new OutboxSequenceToken(position, 0, _shard.Database.ShardId, _queue, first.Sequence),
                group.Select(g => g.Event).ToList(),
                sequences,
                group.Select(g => g.Row.TraceParent).ToArray()));
        }

        return containers;
    }

    private async Task DeadLetterUndecodableAsync(LeasedRow row, Exception error, CancellationToken cancellationToken)
    {
        var text = $"The payload cannot be deserialized as an object (write it with Orleans' Serializer.SerializeToArray<object>): {error}";
        try
        {
            var moved = await OutboxSql.DeadLetterAsync(_shard, _queue, [row.Sequence], Owner, text, cancellationToken);
            _metrics.RecordDeadLettered(moved);
            LogUndecodable(_logger, error, _queueId, row.Sequence);
        }
        catch (Exception exception)
        {
            // Still leased but never handed to Orleans: the lease lapses and the row is read again.
            LogDeadLetterFailed(_logger, exception, _queueId, row.Sequence);
        }
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Min(_options.LeaseDuration.Ticks / 3, DepthPeriod.Ticks));
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            do
            {
                try
                {
                    var rows = _inFlight.RowsOf(Owner);
                    if (rows.Length > 0)
                    {
                        await OutboxSql.RenewAsync(_shard, _queue, Owner, rows, _options.LeaseDuration, cancellationToken);
                    }

                    _metrics.RecordDepth(_shard.Name, _queue, await StreamQueue.EstimateDepthAsync(_shard.DataSource, _queue, _options.MaxQueueDepth, cancellationToken));

                    // After a change to fewer queues per database, nothing reads the queues that are gone; their rows come here.
                    if (await OutboxSql.AdoptAsync(_shard, _queue, _options.QueuesPerDatabase, cancellationToken) is > 0 and var adopted)
                    {
                        LogAdopted(_logger, _queueId, adopted);
                        _signals?.Signal(_shard.DataSource, _queue);
                    }
                }
                catch (ShardUnavailableException)
                {
                    // Logged once by the shard; the leases lapse if it stays down longer than they last.
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    LogRenewFailed(_logger, exception, _queueId);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Trace, "Read {Rows} rows of {QueueId} as {Containers} batches")]
    private static partial void LogRead(ILogger logger, QueueId queueId, int rows, int containers);

    [LoggerMessage(2, LogLevel.Warning, "Could not confirm {Rows} delivered rows of {QueueId}; they will be delivered again")]
    private static partial void LogConfirmFailed(ILogger logger, Exception exception, QueueId queueId, int rows);

    [LoggerMessage(3, LogLevel.Information, "Released {Rows} rows of {QueueId}")]
    private static partial void LogReleased(ILogger logger, QueueId queueId, int rows);

    [LoggerMessage(4, LogLevel.Warning, "Could not release the rows of {QueueId}; their leases lapse within {LeaseDuration}")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, QueueId queueId, TimeSpan leaseDuration);

    [LoggerMessage(5, LogLevel.Error, "Dead-lettered row {Sequence} of {QueueId}: its payload cannot be deserialized")]
    private static partial void LogUndecodable(ILogger logger, Exception exception, QueueId queueId, long sequence);

    [LoggerMessage(6, LogLevel.Warning, "Could not dead-letter row {Sequence} of {QueueId}; it will be read again")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, QueueId queueId, long sequence);

    [LoggerMessage(7, LogLevel.Warning, "Could not renew the leases of {QueueId}")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, QueueId queueId);

    [LoggerMessage(8, LogLevel.Information, "Took {Rows} rows left in queues this deployment no longer has into {QueueId}")]
    private static partial void LogAdopted(ILogger logger, QueueId queueId, int rows);
}
