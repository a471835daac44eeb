using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace RelationGraph.Actors.Messaging;

/// <summary>
/// One persistent, multiplexed connection: any number of requests in flight, matched to their responses by
/// correlation id. Writes are serialized; a sender waits when the socket is slow (the pipe's flush) or when too many
/// requests await responses (back-pressure). When the connection breaks, every pending request fails with
/// <see cref="SiloUnavailableException"/>.
/// </summary>
internal sealed partial class Connection : IAsyncDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly IMessageHandler? _handler;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _pendingSlots;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<byte[]>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextCorrelationId;
    private Exception? _closeReason;

    public Connection(string name, IDuplexPipe transport, IMessageHandler? handler, int maxPendingRequests, ILogger logger)
    {
        Name = name;
        _transport = transport;
        _handler = handler;
        _logger = logger;
        _pendingSlots = new SemaphoreSlim(maxPendingRequests, maxPendingRequests);
    }

    public string Name { get; }

    /// <summary>Completes when the connection has closed.</summary>
    public Task Closed => _closed.Task;

    public bool IsClosed => _closing.IsCancellationRequested;

    public void Start() => _ = Task.Run(ReadLoopAsync);

    /// <summary>Sends a request built by <paramref name="encode"/> for a fresh correlation id and waits for its response frame body.</summary>
    public async Task<byte[]> RequestAsync(Func<long, byte[]> encode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _pendingSlots.WaitAsync(cancellationToken);
        var correlationId = Interlocked.Increment(ref _nextCorrelationId);
        var response = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlationId] = response;
        try
        {
            if (IsClosed)
            {
                throw Unavailable();
            }

            await SendAsync(encode(correlationId), cancellationToken);
            return await response.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            _pending.TryRemove(correlationId, out _);
            _pendingSlots.Release();
        }
    }

    public async Task SendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (IsClosed)
            {
                throw Unavailable();
            }

            var result = await _transport.Output.WriteAsync(frame, cancellationToken);
            if (result.IsCompleted)
            {
                throw Unavailable();
            }
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or ObjectDisposedException)
        {
            Close(exception);
            throw Unavailable();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the connection and fails everything pending on it.</summary>
    public void Close(Exception? reason = null)
    {
        lock (_pending)
        {
            if (_closing.IsCancellationRequested)
            {
                return;
            }

            _closeReason = reason;
            _closing.Cancel();
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(Unavailable());
        }

        _transport.Input.CancelPendingRead();
        _transport.Output.CancelPendingFlush();
        _closed.TrySetResult();
        LogClosed(_logger, Name, reason?.Message ?? "closed");
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        await _transport.Input.CompleteAsync();
        await _transport.Output.CompleteAsync();
        _closing.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            var input = _transport.Input;
            while (!IsClosed)
            {
                var result = await input.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out var body))
                {
                    Dispatch(body);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            failure = exception;
        }
        catch (OperationCanceledException)
        {
        }

        Close(failure ?? new EndOfStreamException("The peer closed the connection."));
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out byte[] body)
    {
        body = [];
        if (buffer.Length < FrameBuilder.HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[FrameBuilder.HeaderLength];
        buffer.Slice(0, FrameBuilder.HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is < 9 or > FrameBuilder.MaxBodyLength)
        {
            throw new InvalidDataException($"Frame length {length} is out of range.");
        }

        if (buffer.Length < FrameBuilder.HeaderLength + length)
        {
            return false;
        }

        body = buffer.Slice(FrameBuilder.HeaderLength, length).ToArray();
        buffer = buffer.Slice(FrameBuilder.HeaderLength + length);
        return true;
    }

    private void Dispatch(byte[] body)
    {
        var (kind, correlationId) = FrameBuilder.ReadHeader(body);
        if (kind is MessageKind.Response or MessageKind.Pong or MessageKind.MembershipReply)
        {
            if (_pending.TryGetValue(correlationId, out var pending))
            {
                pending.TrySetResult(body);
            }

            return;
        }

        if (_handler is null)
        {
            throw new InvalidDataException($"Unexpected {kind} on an outbound connection.");
        }

        _ = Task.Run(() => AnswerAsync(kind, correlationId, body));
    }

    private async Task AnswerAsync(MessageKind kind, long correlationId, byte[] body)
    {
        try
        {
            if (await _handler!.HandleAsync(kind, correlationId, body) is { } response)
            {
                await SendAsync(response, CancellationToken.None);
            }
        }
        catch (SiloUnavailableException)
        {
            // The connection closed before the response could be sent; the caller learns it from its side.
        }
        catch (Exception exception)
        {
            LogAnswerFailed(_logger, exception, kind, Name);
        }
    }

    private SiloUnavailableException Unavailable() =>
        new($"The connection to {Name} is closed{(_closeReason is null ? "" : $": {_closeReason.Message}")}.");
}
