using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Messaging;

namespace RelationGraph.Actors.Client;

/// <summary>
/// A connection to a cluster from outside it (Orleans' cluster client). It learns the cluster's membership from a
/// gateway, places each grain with the same rendezvous hashing the silos use, and sends the call straight to the
/// owning silo's gateway over a persistent connection, so a call costs one network round trip. When a silo cannot
/// be reached it refreshes its view and the call fails with <see cref="SiloUnavailableException"/>; retrying is the
/// caller's decision, since only the caller knows which calls are idempotent.
/// </summary>
public sealed partial class ClusterClient : IGrainCallRouter, IAsyncDisposable
{
    private readonly ClusterClientOptions _options;
    private readonly ConnectionManager _connections;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private ClusterView _view = ClusterView.Empty;
    private Task? _refreshLoop;
    private int _disposed;

    /// <summary>Creates a client; call <see cref="ConnectAsync"/> before use.</summary>
    public ClusterClient(ClusterClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<ClusterClient>();
        var messaging = new SiloMessagingOptions { OpenConnectionTimeout = options.OpenConnectionTimeout, ResponseTimeout = options.ResponseTimeout };
        _connections = new ConnectionManager(ConnectionRole.Client, options.ClusterId, options.ClusterSecret, messaging, loggerFactory);
        GrainFactory = new GrainFactory(GrainTypeRegistry.GrainTypeOf, this);
    }

    /// <summary>References to the cluster's grains.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The client's current view of the cluster.</summary>
    public ClusterView View => Volatile.Read(ref _view);

    /// <summary>Learns the cluster's membership from a gateway and keeps it fresh; throws when no gateway answers.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken);
        if (View.ActiveSilos.Count == 0)
        {
            throw new SiloUnavailableException("The cluster has no active silo.");
        }

        _refreshLoop ??= Task.Run(RefreshPeriodicallyAsync, CancellationToken.None);
    }

    /// <summary>Reads the membership from a gateway now.</summary>
    public async Task<ClusterView> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var failures = new List<string>();
            foreach (var gateway in await GetGatewaysAsync(cancellationToken))
            {
                try
                {
                    var connection = await _connections.GetAsync(gateway, cancellationToken);
                    var reply = await connection.RequestAsync(id => FrameBuilder.Empty(MessageKind.MembershipQuery, id), _options.OpenConnectionTimeout, cancellationToken);
                    var view = SiloMessageHandler.DecodeMembership(reply);
                    if (view.Version >= View.Version)
                    {
                        Volatile.Write(ref _view, view);
                    }

                    return View;
                }
                catch (Exception exception) when (exception is SiloUnavailableException or TimeoutException)
                {
                    failures.Add($"{gateway}: {exception.Message}");
                }
            }

            throw new SiloUnavailableException($"No gateway of cluster '{_options.ClusterId}' answered: {string.Join("; ", failures)}");
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <inheritdoc />
    public async Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken = default)
    {
        var view = View;
        var owner = view.PlaceGrain(call.Target) ?? throw new SiloUnavailableException("The cluster has no active silo.");
        var member = view.Find(owner)!;
        var gateway = new IPEndPoint(IPAddress.Parse(owner.Host), member.GatewayPort);
        try
        {
            var connection = await _connections.GetAsync(gateway, cancellationToken);
            var response = await connection.RequestAsync(id => MessageCodec.EncodeRequest(id, call, 0), _options.ResponseTimeout, cancellationToken);
            return MessageCodec.DecodeResponse(response, call.Method);
        }
        catch (SiloUnavailableException)
        {
            _connections.Disconnect(gateway);
            _ = RefreshQuietlyAsync();
            throw;
        }
        catch (TimeoutException)
        {
            _ = RefreshQuietlyAsync();
            throw new TimeoutException($"Response did not arrive on time in {_options.ResponseTimeout} for {call}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_refreshLoop is not null)
        {
            await _refreshLoop;
        }

        await _connections.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task<IReadOnlyList<IPEndPoint>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        var known = View.Members.Where(m => m.Status == SiloStatus.Active)
            .Select(m => new IPEndPoint(IPAddress.Parse(m.Silo.Host), m.GatewayPort));
        var configured = _options.GatewayProvider is { } provider ? await provider(cancellationToken) : _options.Gateways.ToList();
        return known.Concat(configured).Distinct().ToList();
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await RefreshAsync(_stopping.Token);
        }
        catch (Exception exception) when (exception is SiloUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            LogRefreshFailed(_logger, exception.Message);
        }
    }

    private async Task RefreshPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(_options.MembershipRefreshPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                await RefreshQuietlyAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Refreshing the cluster view failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
