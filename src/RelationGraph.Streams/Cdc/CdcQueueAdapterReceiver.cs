using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Streams.Cdc;

/// <summary>
/// Reads one shard's replication slot for Orleans' pulling agent. <see cref="Initialize(TimeSpan)"/> opens the
/// replication connection and starts reading in the background, ahead of the agent by at most
/// <see cref="CdcStreamOptions.ReadAhead"/> changes; <see cref="GetQueueMessagesAsync(int)"/> hands the decoded
/// changes out as containers; <see cref="MessagesDeliveredAsync(IList{IBatchContainer})"/> acknowledges the slot up to
/// the end of the last transaction all of whose changes have been delivered (or dead-lettered, when Orleans gave up on
/// them). Nothing else ever moves the slot, so a crash at any point replays from the last acknowledged position, and
/// the fan writes, being last-writer-wins, absorb the replay. A slot admits one reader at a time: while another silo
/// still holds it (a queue being handed over), the receiver keeps retrying until it is free. A lost connection is
/// reopened from the slot, and only changes not handed out before are handed out again.
/// </summary>
internal sealed partial class CdcQueueAdapterReceiver : IQueueAdapterReceiver, IDisposable
{
    /// <summary>
    /// The <c>queue</c> of Cdc rows in <c>stream_dead_letters</c> (the outbox's queues are numbered from 0); their
    /// <c>sequence</c> is the change's WAL position and their payload, as in the outbox, <c>Serializer.SerializeToArray&lt;object&gt;</c>.
    /// </summary>
    public const int DeadLetterQueue = -1;

    private const int UnlimitedBatch = 1024;

    /// <summary>How long a shutdown waits for the cancelled reader before the server ends its session.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(3);

    /// <summary>How many announced trace contexts wait for their rows at most.</summary>
    private const int TracesKept = 100_000;

    private readonly string _provider;
    private readonly QueueId _queue;
    private readonly Shard _shard;
    private readonly string _slot;

    // Names this receiver's replication session on the server: one receiver of a queue at a time in a process.
    private readonly string _applicationName;
    private readonly CdcStreamOptions _options;
    private readonly Serializer _serializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Decoded> _decoded;
    private readonly CdcAcknowledgements _acks = new();
    private readonly Lock _lock = new();

    // Only the reading loop touches these: trace contexts announced in the log, by (follower, followee), oldest first.
    private readonly Dictionary<(long Follower, long Followee), string> _traces = [];
    private readonly Queue<(long Follower, long Followee)> _traceOrder = new();
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;
    private readonly FanBucketMap? _fanBuckets;
    private LogicalReplicationConnection? _connection;
    private volatile bool _inTransaction;
    private bool _shutdown;

    // Owned by the reader: the newest change and commit buffered, so a replay after a reconnect buffers only what is new.
    private CdcPosition _lastChange = new(0, -1);
    private long _lastCommit;

    public CdcQueueAdapterReceiver(
        string provider, QueueId queue, Shard shard, CdcStreamOptions options, Serializer serializer, TimeProvider time, ILogger logger, FanBucketMap? fanBuckets = null)
    {
        _fanBuckets = fanBuckets;
        _provider = provider;
        _queue = queue;
        _shard = shard;
        _slot = CdcReplicationSlots.SlotName(shard.Database.Database);
        _applicationName = Truncate($"rg-cdc {_provider}/{CdcQueueMapper.ShardOf(_queue)} {Environment.ProcessId}@{Environment.MachineName}", 63);
        _options = options;
        _serializer = serializer;
        _time = time;
        _logger = logger;
        _decoded = Channel.CreateBounded<Decoded>(new BoundedChannelOptions(Math.Max(1, options.ReadAhead)) { SingleReader = true, SingleWriter = true });
    }

    /// <inheritdoc />
    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    /// <summary>
    /// Starts reading the slot and waits up to <paramref name="timeout"/> for the replication connection to open. If
    /// it cannot, the error is thrown for Orleans to log, and the receiver keeps trying in the background.
    /// </summary>
    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _reading = Task.Run(() => ReadLoopAsync(_stop.Token), CancellationToken.None);
        try
        {
            await _opened.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogSlowOpen(_logger, _provider, _queue, _slot, timeout);
        }
    }

    /// <inheritdoc />
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    /// <inheritdoc />
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        await SettleAsync(cancellationToken);

        var limit = maxCount > 0 ? maxCount : UnlimitedBatch;
        var builders = new List<ContainerBuilder>();
        var byStream = new Dictionary<(string, long), ContainerBuilder>();
        var commits = new List<Decoded>();
        lock (_lock)
        {
            if (_shutdown)
            {
                return [];
            }

            // Changes of one stream (a followee, or one bucket of a followee in buckets) go together, in commit order; the
            // containers are ordered by their first change.
            while (_decoded.Reader.TryPeek(out var item))
            {
                if (item.Change is null)
                {
                    commits.Add(item);
                }
                else
                {
                    var stream = (_fanBuckets?.StreamOf(_options.StreamNamespace, item.Change.Followee, item.Change.Follower) ?? _options.StreamNamespace, item.Change.Followee.Value);
                    if (!byStream.TryGetValue(stream, out var builder) || builder.Count >= Math.Max(1, _options.MaxChangesPerContainer))
                    {
                        if (builders.Count >= limit)
                        {
                            break;
                        }

                        builder = new ContainerBuilder(stream.Item1, stream.Item2);
                        builders.Add(builder);
                        byStream[stream] = builder;
                    }

                    builder.Add(item);
                }

                _decoded.Reader.TryRead(out _);
            }

            var containers = new List<IBatchContainer>(builders.Count);
            foreach (var builder in builders)
            {
                var pending = builder.Build();
                _acks.HandedOut(pending);
                containers.Add(pending.Container);
            }

            // A commit comes after all changes of its transaction, so those have all been handed out by now.
            foreach (var commit in commits)
            {
                _acks.Committed(commit.CommitLsn, commit.EndLsn);
            }

            return containers;
        }
    }

    /// <inheritdoc />
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <inheritdoc />
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        // Orleans' cache releases containers oldest first and leaves out the ones whose delivery it gave up on. It
        // releases only while its agent runs (the agent checks for shutdown just before), so a container left out is a
        // delivery that failed for good, never one cut short by a shutdown.
        int failed;
        lock (_lock)
        {
            failed = _acks.Delivered(messages.OfType<CdcBatchContainer>());
        }

        if (failed > 0)
        {
            LogReleasedUndelivered(_logger, _provider, _queue, failed);
        }

        await SettleAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    /// <summary>
    /// Reports what has been acknowledged and closes the replication connection. Changes handed out but not
    /// delivered stay unacknowledged in the slot, for whoever reads it next.
    /// </summary>
    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await SettleAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
        }

        LogicalReplicationConnection? connection;
        lock (_lock)
        {
            _shutdown = true;
            connection = _connection;
        }

        if (connection is not null)
        {
            try
            {
                await connection.SendStatusUpdate(timeoutSource.Token);
            }
            catch (Exception)
            {
                // Best effort: the connection is going anyway, and the server keeps the last position it was told. Whatever
                // fails here must not keep the reader below from stopping, or it would go on holding the slot. (Npgsql throws
                // NullReferenceException when START_REPLICATION is still awaiting the server's answer: a queue handed on
                // just after its receiver started.)
            }
        }

        try
        {
            await _stop.CancelAsync();
        }
        catch (AggregateException)
        {
            // A callback on the token threw after it was cancelled: Npgsql's own, when a replication start still in flight
            // disposes its timeout source under it. The token is cancelled all the same, and the reader below sees it.
        }

        var stopping = Stopwatch.StartNew();
        try
        {
            await _reading.WaitAsync(timeout < StopGrace ? timeout : StopGrace, cancellationToken);
        }
        catch (TimeoutException)
        {
            // A cancelled replication stream can take a long while to end (Npgsql finishes the copy with the server, which
            // may still be decoding), and its session holds the slot until then, keeping the queue's next owner out. The
            // server ends the session instead.
            var ended = await EndWalSenderAsync(timeoutSource.Token);
            LogWalSenderEnded(_logger, _provider, _queue, _slot, StopGrace, ended);
            try
            {
                var left = timeout - stopping.Elapsed;
                await _reading.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }

        if (_reading.IsCompleted)
        {
            Dispose();
        }

        lock (_lock)
        {
            LogStopped(_logger, _provider, _queue, _slot, new NpgsqlLogSequenceNumber(_acks.Acknowledged), _acks.InFlight);
        }
    }

    /// <summary>Ends, from the server's side, this receiver's replication session if it still holds the slot; answers how many ended.</summary>
    private async Task<int> EndWalSenderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _shard.RunAsync(async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand("""
                    SELECT count(pg_terminate_backend(a.pid))::integer
                    FROM pg_replication_slots s JOIN pg_stat_activity a ON a.pid = s.active_pid
                    WHERE s.slot_name = $1 AND a.application_name = $2
                    """);
                command.Parameters.Add(new() { Value = _slot });
                command.Parameters.Add(new() { Value = _applicationName });
                return (int)(await command.ExecuteScalarAsync(ct))!;
            }, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The shard is unreachable: so is the session, which the server ends at wal_sender_timeout.
            return 0;
        }
    }

    /// <summary>Releases the reader's cancellation source (Shutdown does it once the reader has stopped).</summary>
    public void Dispose() => _stop.Dispose();

    /// <summary>
    /// Dead-letters what Orleans gave up on, then acknowledges as far as possible: to the end of the last transaction
    /// all of whose changes are done, or, when nothing at all is pending, to what the server has streamed so far (any
    /// transaction streamed later commits after it), so an idle slot does not hold WAL back.
    /// </summary>
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        List<CdcPending> failed;
        lock (_lock)
        {
            failed = [.. _acks.Failed];
        }

        if (failed.Count > 0)
        {
            try
            {
                await DeadLetterAsync(failed, cancellationToken);
                lock (_lock)
                {
                    _acks.DeadLettered(failed);
                }

                LogDeadLettered(_logger, _provider, _queue, failed.Sum(f => f.Container.Changes.Count), _shard.Name);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // They stay failed, and the slot stays behind them, until a later attempt succeeds.
                LogDeadLetterFailed(_logger, exception, _provider, _queue, _shard.Name);
            }
        }

        lock (_lock)
        {
            var connection = _connection;
            var moved = _acks.Advance();
            if (connection is not null)
            {
                // Read the position first: whatever the reader receives after it belongs to transactions committed later.
                var streamed = (ulong)connection.LastReceivedLsn;
                if (!_inTransaction && _decoded.Reader.Count == 0 && _acks.AcknowledgeIdle(streamed))
                {
                    moved = true;
                }

                if (moved)
                {
                    connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(_acks.Acknowledged));
                }
            }
        }
    }

    private Task DeadLetterAsync(List<CdcPending> failed, CancellationToken cancellationToken) =>
        _shard.RunAsync(async (dataSource, ct) =>
        {
            var changes = failed.SelectMany(f => f.Container.Changes.Select((change, i) => (Change: change, Lsn: f.ChangeLsns[i]))).ToList();
            await using var command = dataSource.CreateCommand("""
                INSERT INTO stream_dead_letters (queue, sequence, namespace, stream_key, payload, created_at, attempts, error)
                SELECT $1, d.sequence, $2, d.stream_key, d.payload, d.created_at, 1, $3
                FROM unnest($4::bigint[], $5::bigint[], $6::bytea[], $7::timestamptz[]) AS d(sequence, stream_key, payload, created_at)
                ON CONFLICT DO NOTHING
                """);
            command.Parameters.Add(new() { Value = DeadLetterQueue });
            command.Parameters.Add(new() { Value = _options.StreamNamespace });
            command.Parameters.Add(new() { Value = $"Orleans gave up delivering this change (read from slot {_slot} of {_shard.Name} by stream provider {_provider}); sequence is its WAL position" });
            command.Parameters.Add(new() { Value = changes.Select(c => c.Lsn).ToArray() });
            command.Parameters.Add(new() { Value = changes.Select(c => c.Change.Followee.Value).ToArray() });
            command.Parameters.Add(new() { Value = changes.Select(c => _serializer.SerializeToArray<object>(c.Change)).ToArray() });
            command.Parameters.Add(new() { Value = changes.Select(c => c.Change.OccurredAt).ToArray() });
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(() => failures = 0, cancellationToken); // The server ended the stream (shutting down?): reconnect.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // Another silo still reads the slot (the queue is being handed over); it frees up when that one stops.
                LogSlotBusy(_logger, _provider, _queue, _slot);
                _opened.TrySetResult();
            }
            catch (Exception exception)
            {
                // Whatever was not acknowledged is still in the slot; the next connection replays it.
                LogReadFailed(_logger, exception, _provider, _queue, _slot);
                _opened.TrySetException(exception);
            }

            try
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxReconnectDelay.TotalMilliseconds, 100 << Math.Min(failures++, 10)));
                await Task.Delay(delay, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task StreamAsync(Action started, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_shard.ConnectionString)
        {
            Pooling = false,
            ApplicationName = _applicationName,
        }.ConnectionString;
        await using var connection = new LogicalReplicationConnection(connectionString) { WalReceiverStatusInterval = _options.StatusInterval };
        await connection.Open(cancellationToken);
        lock (_lock)
        {
            _connection = connection;
            if (_acks.Acknowledged > 0)
            {
                connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(_acks.Acknowledged));
            }
        }

        _opened.TrySetResult();
        LogStreaming(_logger, _provider, _queue, _slot, _shard.Name);

        // A walsender lets its server finish a shutdown only once everything it sent is acknowledged, which undelivered
        // changes never are. A fast shutdown ends ordinary sessions first, so one is kept open to notice it and let go.
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchServerAsync(connectionString, streaming);
        try
        {
            var decoder = new FollowingRowDecoder();
            var commitLsn = 0L;
            var index = 0;
            var options = new PgOutputReplicationOptions(CdcReplicationSlots.Publication, PgOutputProtocolVersion.V1, binary: true, messages: true);
            await foreach (var message in connection.StartReplication(new PgOutputReplicationSlot(_slot), options, streaming.Token))
            {
                switch (message)
                {
                    case BeginMessage begin:
                        _inTransaction = true;
                        commitLsn = (long)(ulong)begin.TransactionFinalLsn;
                        index = 0;
                        started();
                        break;
                    case RelationMessage relation:
                        decoder.Map(relation);
                        break;
                    case InsertMessage insert:
                        await ChangeAsync(decoder, insert.Relation, insert.NewRow, new CdcPosition(commitLsn, index++), message.WalStart, streaming.Token);
                        break;
                    case UpdateMessage update:
                        await ChangeAsync(decoder, update.Relation, update.NewRow, new CdcPosition(commitLsn, index++), message.WalStart, streaming.Token);
                        break;
                    case LogicalDecodingMessage { Prefix: RelationGraphTracing.WalMessagePrefix } announced:
                        await RememberTraceAsync(announced, streaming.Token);
                        break;
                    case CommitMessage commit:
                        var committed = (long)(ulong)commit.CommitLsn;
                        if (committed > _lastCommit)
                        {
                            await _decoded.Writer.WriteAsync(new Decoded(null, committed, 0, 0, (ulong)commit.TransactionEndLsn), streaming.Token);
                            _lastCommit = committed;
                        }

                        _inTransaction = false;
                        break;
                    default:
                        break; // Types, deletes, truncates, origins: nothing for the fan lists.
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && watch.IsCompleted)
        {
            var reason = await watch;
            throw new NpgsqlException($"Shard {_shard.Name} ended an ordinary session ({reason?.Message}); it is shutting down or unreachable, so the slot is let go.", reason);
        }
        finally
        {
            lock (_lock)
            {
                _connection = null;
                _inTransaction = false;
            }

            await streaming.CancelAsync();
            await watch;
        }
    }

    /// <summary>
    /// Holds an idle ordinary session to the shard's server and cancels <paramref name="streaming"/> when the server
    /// ends it (or cannot be reached); returns why, or null when <paramref name="streaming"/> ended first.
    /// </summary>
    private static async Task<Exception?> WatchServerAsync(string connectionString, CancellationTokenSource streaming)
    {
        Exception? reason = null;
        try
        {
            await using var session = new NpgsqlConnection(connectionString);
            await session.OpenAsync(streaming.Token);
            while (true)
            {
                await session.WaitAsync(streaming.Token); // Returns on notifications, and nobody notifies this session.
            }
        }
        catch (OperationCanceledException) when (streaming.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            reason = exception;
            await streaming.CancelAsync();
        }

        return reason;
    }

    private async ValueTask ChangeAsync(
        FollowingRowDecoder decoder, RelationMessage relation, ReplicationTuple row, CdcPosition position, NpgsqlLogSequenceNumber lsn, CancellationToken cancellationToken)
    {
        if (position.CompareTo(_lastChange) <= 0)
        {
            return; // Replayed after a reconnect, and buffered or handed out already.
        }

        var change = await decoder.DecodeAsync(relation, row, cancellationToken);
        if (change is not null)
        {
            _traces.Remove((change.Follower.Value, change.Followee.Value), out var traceParent);
            await _decoded.Writer.WriteAsync(new Decoded(change, position.CommitLsn, position.Index, (long)(ulong)lsn, 0, traceParent), cancellationToken);
        }

        _lastChange = position;
    }

    /// <summary>
    /// Keeps a follow's trace context, announced just before its write, until the write's row arrives; the oldest go
    /// first past <see cref="TracesKept"/> (announcements of writes that failed, or read before a restart resumed past them).
    /// </summary>
    private async ValueTask RememberTraceAsync(LogicalDecodingMessage message, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(message.Data, System.Text.Encoding.UTF8);
        var parts = (await reader.ReadToEndAsync(cancellationToken)).Split(':', 3);
        if (parts.Length == 3 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var owner) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var other))
        {
            _traces[(owner, other)] = parts[2];
            _traceOrder.Enqueue((owner, other));
            while (_traceOrder.Count > TracesKept && _traceOrder.TryDequeue(out var oldest))
            {
                _traces.Remove(oldest);
            }
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>A change (with its position and its own LSN) or, when <see cref="Change"/> is null, a commit (with its end LSN).</summary>
    private readonly record struct Decoded(FollowChanged? Change, long CommitLsn, int Index, long ChangeLsn, ulong EndLsn, string? TraceParent = null);

    private sealed class ContainerBuilder(string streamNamespace, long followee)
    {
        private readonly List<Decoded> _items = [];

        public int Count => _items.Count;

        public void Add(Decoded item) => _items.Add(item);

        public CdcPending Build() => new(
            new CdcBatchContainer(
                StreamId.Create(streamNamespace, followee),
                _items.Select(i => i.Change!).ToArray(),
                _items.Select(i => i.CommitLsn).ToArray(),
                _items.Select(i => i.Index).ToArray(),
                _items.Select(i => i.TraceParent).ToArray()),
            _items.Select(i => i.ChangeLsn).ToArray());
    }

    [LoggerMessage(1, LogLevel.Information, "{Provider} queue {Queue} reads slot {Slot} of shard {Shard}")]
    private static partial void LogStreaming(ILogger logger, string provider, QueueId queue, string slot, string shard);

    [LoggerMessage(2, LogLevel.Information, "{Provider} queue {Queue}: slot {Slot} is still read elsewhere; retrying")]
    private static partial void LogSlotBusy(ILogger logger, string provider, QueueId queue, string slot);

    [LoggerMessage(3, LogLevel.Warning, "{Provider} queue {Queue}: reading slot {Slot} failed; it resumes from the last acknowledged position")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string provider, QueueId queue, string slot);

    [LoggerMessage(4, LogLevel.Warning, "{Provider} queue {Queue}: slot {Slot} did not open within {Timeout}; still trying")]
    private static partial void LogSlowOpen(ILogger logger, string provider, QueueId queue, string slot, TimeSpan timeout);

    [LoggerMessage(5, LogLevel.Warning, "{Provider} queue {Queue}: Orleans released {Count} containers without delivering them; they are dead-lettered")]
    private static partial void LogReleasedUndelivered(ILogger logger, string provider, QueueId queue, int count);

    [LoggerMessage(6, LogLevel.Error, "{Provider} queue {Queue}: dead-lettered {Count} changes on shard {Shard}")]
    private static partial void LogDeadLettered(ILogger logger, string provider, QueueId queue, int count, string shard);

    [LoggerMessage(7, LogLevel.Error, "{Provider} queue {Queue}: dead-lettering on shard {Shard} failed; the slot waits until it succeeds")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string provider, QueueId queue, string shard);

    [LoggerMessage(8, LogLevel.Information, "{Provider} queue {Queue} stopped reading slot {Slot} at {Acknowledged}, {InFlight} containers unacknowledged")]
    private static partial void LogStopped(ILogger logger, string provider, QueueId queue, string slot, NpgsqlLogSequenceNumber acknowledged, int inFlight);

    [LoggerMessage(9, LogLevel.Warning, "{Provider} queue {Queue}: the reader of slot {Slot} had not stopped {Grace} after shutdown began; the server ended {Sessions} session(s)")]
    private static partial void LogWalSenderEnded(ILogger logger, string provider, QueueId queue, string slot, TimeSpan grace, int sessions);
}
