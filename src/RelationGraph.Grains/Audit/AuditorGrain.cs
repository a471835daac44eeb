using System.Globalization;
using Orleans.Concurrency;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Grains.Audit;

/// <summary>The auditor's front door (<see cref="IAuditorGrain"/>): routes to the coordinator of each kind and sums the shards' real-time checkers.</summary>
[StatelessWorker]
public sealed class AuditorGrain(ShardSet shards) : Grain, IAuditorGrain
{
    /// <summary>The most runs one listing returns.</summary>
    public const int MaxRuns = 100;

    public Task<AuditRun> StartRunAsync(AuditKind kind) => Coordinator(kind).StartAsync();

    public Task<AuditRun?> GetRunAsync(string runId)
    {
        var dash = runId.LastIndexOf('-');
        if (dash <= 0 || !Enum.TryParse<AuditKind>(runId[..dash], ignoreCase: true, out var kind) || !Enum.IsDefined(kind)
            || runId[..dash] != KindName(kind) || !int.TryParse(runId[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"'{runId}' is not an audit run id (full-N or incremental-N).", nameof(runId));
        }

        return Coordinator(kind).GetRunAsync(runId);
    }

    public async Task<IReadOnlyList<AuditRun>> GetRunsAsync(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxRuns);
        var full = Coordinator(AuditKind.Full).GetRunsAsync(limit);
        var incremental = Coordinator(AuditKind.Incremental).GetRunsAsync(limit);
        return [.. (await full).Concat(await incremental).OrderByDescending(r => r.StartedAt).Take(limit)];
    }

    public async Task<RealtimeAuditTotals> GetRealtimeTotalsAsync()
    {
        var totals = await Task.WhenAll(shards.All.Select(s => GrainFactory.GetGrain<IRealtimeAuditGrain>(s.Database.ShardId).GetTotalsAsync()));
        return totals.Aggregate(RealtimeAuditTotals.None, (sum, t) => sum.Add(t));
    }

    /// <summary>The name of <paramref name="kind"/> in run ids and in the API: <c>full</c>, <c>incremental</c>.</summary>
    public static string KindName(AuditKind kind) => kind.ToString().ToLowerInvariant();

    private IAuditRunGrain Coordinator(AuditKind kind) => GrainFactory.GetGrain<IAuditRunGrain>(KindName(kind));
}
