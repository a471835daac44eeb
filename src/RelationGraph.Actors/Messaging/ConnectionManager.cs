using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RelationGraph.Actors.Configuration;

namespace RelationGraph.Actors.Messaging;

/// <summary>
/// Outbound connections, one per remote endpoint, opened on first use (with the handshake, bounded by
/// <see cref="SiloMessagingOptions.OpenConnectionTimeout"/>) and reopened on the next use after they break.
/// </summary>
internal sealed class ConnectionManager(
    ConnectionRole role,
    string clusterId,
    string secret,
    SiloMessagingOptions messaging,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, Lazy<Task<Connection>>> _connections = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger<Connection>();

    public async Task<Connection> GetAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var opening = _connections.GetOrAdd(endpoint, e => new Lazy<Task<Connection>>(() => ConnectAsync(e)));
            try
            {
                var connection = await opening.Value.WaitAsync(cancellationToken);
                if (!connection.IsClosed)
                {
                    return connection;
                }
            }
            catch (UnauthorizedAccessException)
            {
                _connections.TryRemove(KeyValuePair.Create(endpoint, opening));
                throw;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _connections.TryRemove(KeyValuePair.Create(endpoint, opening));
                throw new SiloUnavailableException($"Could not connect to {endpoint}: {exception.Message}", exception);
            }

            _connections.TryRemove(KeyValuePair.Create(endpoint, opening));
            if (attempt > 0)
            {
                throw new SiloUnavailableException($"The connection to {endpoint} closed as soon as it opened.");
            }
        }
    }

    /// <summary>Closes the connection to <paramref name="endpoint"/>, failing what is pending on it.</summary>
    public void Disconnect(IPEndPoint endpoint)
    {
        if (_connections.TryRemove(endpoint, out var opening) && opening.IsValueCreated && opening.Value.IsCompletedSuccessfully)
        {
            opening.Value.Result.Close(new SiloUnavailableException($"{endpoint} left the cluster."));
        }
    }

    public void CloseAll()
    {
        foreach (var endpoint in _connections.Keys)
        {
            Disconnect(endpoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var opening in _connections.Values.Where(o => o.IsValueCreated))
        {
            if (opening.Value.IsCompletedSuccessfully)
            {
                await opening.Value.Result.DisposeAsync();
            }
        }

        _connections.Clear();
    }

    private async Task<Connection> ConnectAsync(IPEndPoint endpoint)
    {
        using var timeout = new CancellationTokenSource(messaging.OpenConnectionTimeout);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            var pipe = new StreamDuplexPipe(new NetworkStream(socket, ownsSocket: true));
            await Handshake.ConnectAsync(pipe, role, clusterId, secret, timeout.Token);
            var connection = new Connection($"{endpoint}", pipe, handler: null, messaging.MaxPendingRequestsPerConnection, _logger);
            connection.Start();
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
