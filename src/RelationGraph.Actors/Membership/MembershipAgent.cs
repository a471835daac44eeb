using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Messaging;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.Membership;

/// <summary>
/// This silo's part in cluster membership: joins the table (Joining, then Active), keeps the local view fresh,
/// records that it is alive, probes peers and votes the unresponsive ones dead, stops itself when it finds itself
/// declared dead, and leaves gracefully (ShuttingDown, then Dead) on shutdown.
/// </summary>
internal sealed partial class MembershipAgent(
    IMembershipTable table,
    MembershipView view,
    LocalSiloDetails local,
    SiloConnections connections,
    SiloControl control,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    IOptions<ClusterMembershipOptions> options,
    ILogger<MembershipAgent> logger) : IHostedService, IDisposable
{
    private readonly ClusterMembershipOptions _options = options.Value;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<SiloAddress, int> _missedProbes = [];
    private readonly List<Task> _loops = [];
    private DateTimeOffset _startTime;
    private bool _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await table.InitializeAsync(cancellationToken);
        _startTime = time.GetUtcNow();
        await ChangeOwnStatusAsync(SiloStatus.Joining, cancellationToken);
        await DeclareOlderIncarnationsDeadAsync(cancellationToken);
        await ChangeOwnStatusAsync(SiloStatus.Active, cancellationToken);
        LogJoined(logger, local.Address, view.Current.ActiveSilos.Count);
        lifetime.ApplicationStopping.Register(() => _ = LeaveAsync(SiloStatus.ShuttingDown));
        _loops.Add(RunPeriodicallyAsync(_options.TableRefreshTimeout, RefreshAsync));
        _loops.Add(RunPeriodicallyAsync(_options.IAmAlivePeriod, async ct =>
        {
            await table.UpdateIAmAliveAsync(local.Address, time.GetUtcNow(), ct);
            await table.CleanupDefunctSiloEntriesAsync(time.GetUtcNow() - _options.DefunctSiloExpiration, ct);
        }));
        _loops.Add(RunPeriodicallyAsync(_options.ProbeTimeout, ProbeAsync));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            // A test host may stop after disposing its services; there is nothing left to stop.
            return;
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
        await LeaveAsync(SiloStatus.Dead);
    }

    public void Dispose()
    {
        _disposed = true;
        _stopping.Dispose();
    }

    private async Task LeaveAsync(SiloStatus status)
    {
        if (control.IsKilled)
        {
            return;
        }

        try
        {
            await ChangeOwnStatusAsync(status, CancellationToken.None);
            LogLeft(logger, local.Address, status);
        }
        catch (Exception exception)
        {
            LogTableFailed(logger, exception);
        }
    }

    /// <summary>Writes this silo's row with <paramref name="status"/>, retrying on concurrent changes.</summary>
    private async Task ChangeOwnStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await table.ReadAllAsync(cancellationToken);
            var row = snapshot.Find(local.Address);
            if (row?.Entry.Status == SiloStatus.Dead)
            {
                return;
            }

            var entry = new MembershipEntry(local.Address, local.Name, local.GatewayPort, status, _startTime, time.GetUtcNow(), row?.Entry.Suspicions ?? []);
            var written = row is null
                ? await table.InsertRowAsync(entry, snapshot.Version, cancellationToken)
                : await table.UpdateRowAsync(entry, row.ETag, snapshot.Version, cancellationToken);
            if (written)
            {
                await RefreshAsync(cancellationToken);
                return;
            }
        }
    }

    /// <summary>
    /// A silo restarted on the same endpoint before its peers noticed the old incarnation died would otherwise
    /// answer that incarnation's probes, keeping a ghost in the view; the newcomer declares it dead itself.
    /// </summary>
    private async Task DeclareOlderIncarnationsDeadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await table.ReadAllAsync(cancellationToken);
            var older = snapshot.Rows.FirstOrDefault(r => r.Entry.Status != SiloStatus.Dead
                && r.Entry.Silo.Host == local.Address.Host && r.Entry.Silo.Port == local.Address.Port && r.Entry.Silo.Generation < local.Address.Generation);
            if (older is null)
            {
                return;
            }

            if (await table.UpdateRowAsync(older.Entry with { Status = SiloStatus.Dead }, older.ETag, snapshot.Version, cancellationToken))
            {
                LogDeclaredOtherDead(logger, older.Entry.Silo, 0);
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var snapshot = await table.ReadAllAsync(cancellationToken);
        var current = new ClusterView(snapshot.Version, snapshot.Rows.Select(r => r.Entry).ToList());
        if (current.Find(local.Address)?.Status == SiloStatus.Dead && !control.IsKilled)
        {
            LogDeclaredDead(logger, local.Address);
            control.Kill();
            lifetime.StopApplication();
            return;
        }

        var previous = view.Current;
        view.Update(current);
        if (!previous.ActiveSilos.SequenceEqual(current.ActiveSilos))
        {
            LogViewChanged(logger, current.Version, string.Join(", ", current.ActiveSilos));
        }
    }

    /// <summary>Pings the next few active silos after this one (in view order); votes against those that keep missing.</summary>
    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var active = view.Current.ActiveSilos;
        var self = active.ToList().IndexOf(local.Address);
        var targets = Enumerable.Range(1, Math.Min(_options.NumProbedSilos, Math.Max(0, active.Count - 1)))
            .Select(i => active[(Math.Max(self, 0) + i) % active.Count])
            .Where(s => s != local.Address)
            .ToList();
        lock (_missedProbes)
        {
            foreach (var stale in _missedProbes.Keys.Except(targets).ToList())
            {
                _missedProbes.Remove(stale);
            }
        }

        await Task.WhenAll(targets.Select(async target =>
        {
            if (await PingAsync(target.EndPoint, cancellationToken))
            {
                lock (_missedProbes) _missedProbes[target] = 0;
                return;
            }

            int missed;
            lock (_missedProbes) missed = _missedProbes[target] = _missedProbes.GetValueOrDefault(target) + 1;
            LogProbeMissed(logger, target, missed);
            if (missed >= _options.NumMissedProbesLimit)
            {
                await VoteDeadAsync(target, cancellationToken);
            }
        }));
    }

    private async Task<bool> PingAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await connections.Outbound.GetAsync(endpoint, cancellationToken);
            await connection.RequestAsync(id => FrameBuilder.Empty(MessageKind.Ping, id), _options.ProbeTimeout, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task VoteDeadAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var snapshot = await table.ReadAllAsync(cancellationToken);
            var row = snapshot.Find(target);
            if (row is null || row.Entry.Status == SiloStatus.Dead)
            {
                return;
            }

            var now = time.GetUtcNow();
            var votes = row.Entry.Suspicions
                .Where(v => v.Suspecter != local.Address && now - v.At < _options.DeathVoteExpirationTimeout)
                .Append(new SuspectVote(local.Address, now))
                .ToList();
            var otherActive = snapshot.Rows.Count(r => r.Entry.Status == SiloStatus.Active && r.Entry.Silo != target);
            var needed = Math.Max(1, Math.Min(_options.NumVotesForDeathDeclaration, otherActive));
            var dead = votes.Count >= needed;
            var entry = row.Entry with { Suspicions = votes, Status = dead ? SiloStatus.Dead : row.Entry.Status };
            if (await table.UpdateRowAsync(entry, row.ETag, snapshot.Version, cancellationToken))
            {
                if (dead)
                {
                    LogDeclaredOtherDead(logger, target, votes.Count);
                    await RefreshAsync(cancellationToken);
                }

                return;
            }
        }
    }

    private async Task RunPeriodicallyAsync(TimeSpan period, Func<CancellationToken, Task> action)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                if (control.IsKilled)
                {
                    return;
                }

                try
                {
                    await action(_stopping.Token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogTableFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
