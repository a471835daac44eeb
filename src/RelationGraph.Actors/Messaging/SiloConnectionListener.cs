using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.Messaging;

/// <summary>
/// Listens on the silo port (peers) and the gateway port (clients) with Kestrel's socket transport, independent of
/// whatever HTTP server the host runs. Each accepted connection must pass the handshake, then carries requests
/// until either side closes it.
/// </summary>
internal sealed partial class SiloConnectionListener(
    LocalSiloDetails local,
    SiloMessageHandler handler,
    SiloControl control,
    TimeProvider timeProvider,
    IOptions<SiloOptions> siloOptions,
    IOptions<SiloMessagingOptions> messagingOptions,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<SiloConnectionListener>();
    private readonly ConcurrentDictionary<Connection, ConnectionContext> _connections = new();
    private readonly List<IConnectionListener> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = siloOptions.Value;
        var address = IPAddress.Parse(options.AdvertisedIPAddress);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
        var silo = await transport.BindAsync(new IPEndPoint(address, options.SiloPort), cancellationToken);
        var gateway = await transport.BindAsync(new IPEndPoint(address, options.GatewayPort), cancellationToken);
        _listeners.AddRange([silo, gateway]);
        local.Initialize(
            new SiloAddress(options.AdvertisedIPAddress, ((IPEndPoint)silo.EndPoint).Port, SiloAddress.NewGeneration(timeProvider)),
            ((IPEndPoint)gateway.EndPoint).Port,
            options.SiloName ?? $"{Environment.MachineName}:{((IPEndPoint)silo.EndPoint).Port}");
        control.Killed += Abort;
        foreach (var listener in _listeners)
        {
            _ = Task.Run(() => AcceptAsync(listener), CancellationToken.None);
        }

        LogListening(_logger, local.Address, local.GatewayPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var listener in _listeners)
        {
            await listener.UnbindAsync(cancellationToken);
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // _stopping has no timer to release, and StopAsync may still run after the container disposed this.
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }
    }

    private void Abort()
    {
        _stopping.Cancel();
        foreach (var listener in _listeners)
        {
            _ = listener.UnbindAsync().AsTask();
        }

        foreach (var (connection, context) in _connections)
        {
            connection.Close(new SiloUnavailableException("The silo was killed."));
            context.Abort();
        }
    }

    private async Task AcceptAsync(IConnectionListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            ConnectionContext? context;
            try
            {
                context = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }

            if (context is null)
            {
                break;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(ConnectionContext context)
    {
        var options = siloOptions.Value;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                timeout.CancelAfter(messagingOptions.Value.OpenConnectionTimeout);
                await Handshake.AcceptAsync(context.Transport, options.ClusterId, options.ClusterSecret!, timeout.Token);
            }
        }
        catch (Exception exception)
        {
            LogRefused(_logger, context.RemoteEndPoint, exception.Message);
            await context.DisposeAsync();
            return;
        }

        var connection = new Connection($"{context.RemoteEndPoint}", context.Transport, handler, messagingOptions.Value.MaxPendingRequestsPerConnection, loggerFactory.CreateLogger<Connection>());
        _connections[connection] = context;
        connection.Start();
        if (_stopping.IsCancellationRequested)
        {
            connection.Close();
        }

        await connection.Closed;
        _connections.TryRemove(connection, out _);
        await context.DisposeAsync();
    }
}
