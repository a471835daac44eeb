using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;
using RelationGraph.Actors;
using RelationGraph.Actors.Client;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.PostgreSql;

namespace RelationGraph.Client;

/// <summary>The <see cref="IRelationGraphClient"/> over a <see cref="ClusterClient"/>. Create it with <see cref="ConnectAsync"/> or through dependency injection.</summary>
public sealed class RelationGraphClient : IRelationGraphClient, IAsyncDisposable
{
    private readonly ClusterClient _cluster;
    private readonly RelationGraphClientOptions _options;
    private readonly PostgresMembershipTable? _membershipTable;

    private RelationGraphClient(RelationGraphClientOptions options, ILoggerFactory? loggerFactory)
    {
        options.Validate();
        _options = options;
        var clusterOptions = new ClusterClientOptions
        {
            ClusterId = options.ClusterId,
            ClusterSecret = options.ClusterSecret,
            ResponseTimeout = options.ResponseTimeout,
            OpenConnectionTimeout = options.OpenConnectionTimeout,
        };
        foreach (var gateway in options.Gateways)
        {
            clusterOptions.Gateways.Add(GatewayEndPoint.Parse(gateway));
        }

        if (options.MembershipConnectionString is { Length: > 0 } connectionString)
        {
            _membershipTable = new PostgresMembershipTable(
                Options.Create(new PostgresClusteringOptions { ConnectionString = connectionString }),
                Options.Create(new SiloOptions { ClusterId = options.ClusterId }));
            clusterOptions.GatewayProvider = ReadGatewaysFromTableAsync;
        }

        _cluster = new ClusterClient(clusterOptions, loggerFactory);
    }

    /// <summary>Connects to the cluster described by <paramref name="options"/>; throws when no gateway answers.</summary>
    public static async Task<RelationGraphClient> ConnectAsync(RelationGraphClientOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var client = new RelationGraphClient(options, loggerFactory);
        try
        {
            if (client._membershipTable is not null)
            {
                await client._membershipTable.InitializeAsync(cancellationToken);
            }

            await client._cluster.ConnectAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<FollowResult> FollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, targetId);
        return RetryAsync(() => Following(userId).FollowAsync(targetId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<FollowResult> UnfollowAsync(UserId userId, UserId targetId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, targetId);
        return RetryAsync(() => Following(userId).UnfollowAsync(targetId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<EdgePage> GetFollowingAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page = (page ?? new PageRequest()).Validate();
        return RetryAsync(() => Following(userId).GetFollowingAsync(page), cancellationToken);
    }

    /// <inheritdoc />
    public Task<EdgePage> GetFansAsync(UserId userId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page = (page ?? new PageRequest()).Validate();
        return RetryAsync(() => Fans(userId).GetFansAsync(page), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Counts> GetCountsAsync(UserId userId, CancellationToken cancellationToken = default) =>
        RetryAsync(async () =>
        {
            var following = Following(userId).GetFollowingCountAsync();
            var fans = Fans(userId).GetFanCountAsync();
            return new Counts(userId, await following, await fans);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Relation> GetRelationAsync(UserId userId, UserId otherId, CancellationToken cancellationToken = default)
    {
        RejectSelf(userId, otherId);
        return RetryAsync(() => Following(userId).GetRelationAsync(otherId), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SiloInfo>> GetSilosAsync(CancellationToken cancellationToken = default)
    {
        var view = await _cluster.RefreshAsync(cancellationToken);
        return view.Members
            .OrderBy(m => m.Status).ThenBy(m => m.StartTime)
            .Select(m => new SiloInfo(m.Silo.ToString(), m.SiloName, m.GatewayPort, m.Status.ToString(), m.StartTime, m.IAmAliveTime))
            .ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        if (_membershipTable is not null)
        {
            await _membershipTable.DisposeAsync();
        }
    }

    private IFollowingGrain Following(UserId userId) => _cluster.GrainFactory.GetGrain<IFollowingGrain>(userId.Value);

    private IFanGrain Fans(UserId userId) => _cluster.GrainFactory.GetGrain<IFanGrain>(userId.Value);

    private static void RejectSelf(UserId userId, UserId otherId)
    {
        if (userId == otherId)
        {
            throw new ArgumentException($"User {userId} cannot follow or relate to themselves.", nameof(otherId));
        }
    }

    /// <summary>
    /// Repeats a call that failed because its silo was unreachable or slow. Every RelationGraph operation is
    /// idempotent or read-only, so a repeat cannot double anything; a failover moves the grain meanwhile.
    /// </summary>
    private async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call().WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is SiloUnavailableException or TimeoutException && attempt < _options.MaxAttempts)
            {
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
                await RefreshQuietlyAsync(cancellationToken);
            }
        }
    }

    private async Task RefreshQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _cluster.RefreshAsync(cancellationToken);
        }
        catch (SiloUnavailableException)
        {
            // The next attempt reports it if it persists.
        }
    }

    private async Task<IReadOnlyList<IPEndPoint>> ReadGatewaysFromTableAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _membershipTable!.ReadAllAsync(cancellationToken);
        return snapshot.Rows
            .Where(r => r.Entry.Status == SiloStatus.Active)
            .Select(r => new IPEndPoint(IPAddress.Parse(r.Entry.Silo.Host), r.Entry.GatewayPort))
            .ToList();
    }
}
