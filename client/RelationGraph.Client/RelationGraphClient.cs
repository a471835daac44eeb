using RelationGraph.Abstractions.Audit;
using RelationGraph.Abstractions.Deletion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using RelationGraph.Abstractions;

namespace RelationGraph.Client;

/// <summary>
/// The <see cref="IRelationGraphClient"/> over an Orleans <see cref="IClusterClient"/>. Create a standalone one with
/// <see cref="ConnectAsync"/>, or get one from dependency injection with
/// <see cref="RelationGraphClientServiceCollectionExtensions.AddRelationGraphClient"/>.
/// </summary>
public sealed class RelationGraphClient : IRelationGraphClient, IAsyncDisposable
{
    /// <summary>The longest pause between two attempts of a call, however many attempts are allowed.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly IClusterClient _cluster;
    private readonly FanPageRouter _fans;
    private readonly RelationGraphClientOptions _options;
    private readonly bool _ownsHost;
    private IHost? _host;

    /// <summary>
    /// Wraps an Orleans client that is already connected to a RelationGraph cluster and owned elsewhere (for example the
    /// one of Orleans' <c>TestCluster</c>, or one configured by hand with <c>UseOrleansClient</c>). Disposing of this
    /// client leaves it alone.
    /// </summary>
    /// <param name="cluster">The connected Orleans client.</param>
    /// <param name="options">Only <see cref="RelationGraphClientOptions.MaxAttempts"/> and <see cref="RelationGraphClientOptions.RetryDelay"/> are used here; defaults when null.</param>
    public RelationGraphClient(IClusterClient cluster, RelationGraphClientOptions? options = null)
        : this(cluster, options?.Clone() ?? new RelationGraphClientOptions(), host: null)
    {
    }

    /// <summary>Wraps a started Orleans client; <paramref name="host"/>, when given, is owned and stopped on dispose.</summary>
    private RelationGraphClient(IClusterClient cluster, RelationGraphClientOptions options, IHost? host)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (options.MaxAttempts < 1 || options.RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("MaxAttempts must be at least 1 and RetryDelay not negative.", nameof(options));
        }

        _cluster = cluster;
        _fans = new FanPageRouter(cluster);
        _options = options;
        _host = host;
        _ownsHost = host is not null;
    }

    /// <summary>
    /// The underlying Orleans client, for calling the grains (<see cref="IFollowingGrain"/>, <see cref="IFanGrain"/>,
    /// keyed by user id) or Orleans' own grains directly. Such calls get none of this client's input checks or retries.
    /// </summary>
    public IClusterClient ClusterClient => _cluster;

    /// <summary>
    /// Connects to the cluster described by <paramref name="options"/>: starts a small host of its own running the
    /// Orleans client (<c>AddOrleansClient</c>, as <c>UseOrleansClient</c> does) and waits until it reaches a gateway. Dispose of the client to disconnect.
    /// </summary>
    /// <param name="options">Where the cluster is and how to authenticate; validated first, then copied.</param>
    /// <param name="loggerFactory">Where the Orleans client logs; nothing is logged without one. The caller keeps ownership.</param>
    /// <param name="cancellationToken">Abandons connecting.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or the certificate file cannot be loaded or is unusable.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">
    /// The TLS handshake with a gateway failed: it presented another certificate than the cluster certificate, refused
    /// this one, or does not use TLS. Not retried.
    /// </exception>
    /// <exception cref="SiloUnavailableException">The membership table lists no live gateway for the cluster id.</exception>
    /// <exception cref="Orleans.Runtime.Messaging.ConnectionFailedException">
    /// No gateway could be connected to in <see cref="RelationGraphClientOptions.MaxAttempts"/> attempts: refused,
    /// unreachable, or closed during Orleans' handshake (which is what a gateway of another cluster id does); the inner
    /// exceptions say which.
    /// </exception>
    public static async Task<RelationGraphClient> ConnectAsync(RelationGraphClientOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var settings = options.Clone();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopTimeout);
        builder.Services.AddSingleton(Options.Create(settings));
        RelationGraphOrleansClient.Add(builder.Services);

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new RelationGraphClient(host.Services.GetRequiredService<IClusterClient>(), settings, host);
        }
        catch
        {
            await StopAsync(host);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<FollowResult> FollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, targetId);
        return CallAsync(() => Following(userId).FollowAsync(targetId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<FollowResult> UnfollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, targetId);
        return CallAsync(() => Following(userId).UnfollowAsync(targetId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<EdgePage> GetFollowingAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var request = (page ?? new PageRequest()).Validate();
        return CallAsync(() => Following(userId).GetFollowingAsync(request), cancellationToken);
    }

    /// <inheritdoc />
    public Task<EdgePage> GetFansAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var request = (page ?? new PageRequest()).Validate();
        return CallAsync(() => _fans.GetFansAsync(userId, request), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Counts> GetCountsAsync(UserId userId, CancellationToken cancellationToken = default) =>
        CallAsync(() => _cluster.GetGrain<ICountsGrain>(0).GetCountsAsync(userId), cancellationToken);

    /// <inheritdoc />
    public Task<Relation> GetRelationAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, otherId);
        return CallAsync(() => Following(userId).GetRelationAsync(otherId), cancellationToken);
    }

    // Friends, blocks, batch relations and set queries (issue 12).

    /// <inheritdoc />
    public Task<FriendResult> RequestFriendAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, otherId);
        return CallAsync(() => Social(userId).RequestFriendAsync(otherId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<FriendResult> RemoveFriendAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, otherId);
        return CallAsync(() => Social(userId).RemoveFriendAsync(otherId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<EdgePage> GetFriendsAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var request = (page ?? new PageRequest()).Validate();
        return CallAsync(() => Social(userId).GetFriendsAsync(request), cancellationToken);
    }

    /// <inheritdoc />
    public Task<EdgePage> GetFriendRequestsAsync(UserId userId, FriendRequestDirection direction, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "direction must be incoming or outgoing.");
        }

        var request = (page ?? new PageRequest()).Validate();
        return CallAsync(() => Social(userId).GetFriendRequestsAsync(direction, request), cancellationToken);
    }

    /// <inheritdoc />
    public Task<BlockResult> BlockAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, otherId);
        return CallAsync(() => Social(userId).BlockAsync(otherId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<BlockResult> UnblockAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, otherId);
        return CallAsync(() => Social(userId).UnblockAsync(otherId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<EdgePage> GetBlocksAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var request = (page ?? new PageRequest()).Validate();
        return CallAsync(() => Social(userId).GetBlocksAsync(request), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RelationSet> GetRelationsAsync(UserId userId, IReadOnlyList<UserId> otherIds, CancellationToken cancellationToken = default)
    {
        RelationBatch.Validate(userId, otherIds);
        IReadOnlyList<UserId> ids = [.. otherIds];
        return CallAsync(() => Social(userId).GetRelationsAsync(ids), cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserPage> GetSetAsync(UserId userId, SetQuery query, UserId? otherId = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        if (query != SetQuery.Mutual)
        {
            RejectSelf(userId, otherId ?? throw new ArgumentException($"Set query {query} needs a second user.", nameof(otherId)));
        }

        var request = (page ?? new PageRequest()).Validate();
        return CallAsync(() => Social(userId).GetSetAsync(query, otherId, request), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken = default)
    {
        var hosts = await CallAsync(() => _cluster.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false, cancellationToken), cancellationToken);
        return
        [
            .. hosts
                .OrderBy(h => h.Status == SiloStatus.Active ? 0 : 1).ThenBy(h => h.Status).ThenBy(h => h.StartTime)
                .Select(h => new SiloInfo(h.SiloAddress.ToParsableString(), h.SiloName, h.ProxyPort, h.Status.ToString(), Utc(h.StartTime), Utc(h.IAmAliveTime))),
        ];
    }

    // The auditor (issue 11).

    /// <inheritdoc />
    public Task<AuditRun> StartAuditRunAsync(AuditKind kind, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown audit kind.");
        }

        return CallAsync(() => Auditor.StartRunAsync(kind), cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuditRun?> GetAuditRunAsync(string runId, CancellationToken cancellationToken = default) =>
        CallAsync(() => Auditor.GetRunAsync(runId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRun>> GetAuditRunsAsync(int limit = 20, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 100);
        return CallAsync(() => Auditor.GetRunsAsync(limit), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RealtimeAuditTotals> GetRealtimeAuditAsync(CancellationToken cancellationToken = default) =>
        CallAsync(() => Auditor.GetRealtimeTotalsAsync(), cancellationToken);

    private IAuditorGrain Auditor => _cluster.GetGrain<IAuditorGrain>(0);

    // Account deletion (issue 13).

    /// <inheritdoc />
    public Task<UserDeletion> DeleteUserAsync(UserId userId, CancellationToken cancellationToken = default) =>
        CallAsync(() => _cluster.GetGrain<IUserDeletionGrain>(userId.Value).DeleteAsync(), cancellationToken);

    /// <inheritdoc />
    public Task<UserDeletion?> GetUserDeletionAsync(UserId userId, CancellationToken cancellationToken = default) =>
        CallAsync(() => _cluster.GetGrain<IUserDeletionGrain>(userId.Value).GetAsync(), cancellationToken);

    /// <summary>
    /// Disconnects a client made by <see cref="ConnectAsync"/> (its host is stopped and disposed). A client from dependency
    /// injection is left alone: the Orleans client belongs to the application's host.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            await StopAsync(host);
        }
    }

    private IFollowingGrain Following(UserId userId) => _cluster.GetGrain<IFollowingGrain>(userId.Value);

    private ISocialGrain Social(UserId userId) => _cluster.GetGrain<ISocialGrain>(userId.Value);

    private static void RejectSelf(UserId userId, UserId otherId)
    {
        if (userId == otherId)
        {
            throw new ArgumentException($"User {userId} cannot follow or relate to themselves.", nameof(otherId));
        }
    }

    /// <summary>Orleans reports membership times in UTC; the table may hand them back without a kind.</summary>
    private static DateTimeOffset Utc(DateTime time) =>
        time == default ? default : new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    /// <summary>
    /// Makes a call, repeating it when the cluster could not be reached or did not answer in time (see
    /// <see cref="RelationGraphOrleansClient.IsTransient"/>), up to <see cref="RelationGraphClientOptions.MaxAttempts"/>
    /// attempts with a doubling pause. Every RelationGraph operation is idempotent or read-only, so a repeat cannot double
    /// anything; meanwhile Orleans moves the grain off a dead silo. The last failure is thrown as it is.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_host is null && _ownsHost, this);
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call().WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (attempt < _options.MaxAttempts && RelationGraphOrleansClient.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken);
                delay = NextDelay(delay);
            }
        }
    }

    /// <summary>The pause after <paramref name="delay"/>: twice as long, at most <see cref="MaxRetryDelay"/>.</summary>
    internal static TimeSpan NextDelay(TimeSpan delay) => delay >= MaxRetryDelay / 2 ? MaxRetryDelay : delay * 2;

    private static async Task StopAsync(IHost host)
    {
        try
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await host.StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            // Disconnecting from an unreachable or half-connected cluster may fail; there is nothing left to release but the host.
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }
    }
}
