using Microsoft.Extensions.Diagnostics.HealthChecks;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Silo.Hosting;

/// <summary>Healthy when storage has started and every shard answers.</summary>
internal sealed class ShardsHealthCheck(ShardSet shards) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Shard> all;
        try
        {
            all = shards.All;
        }
        catch (InvalidOperationException exception)
        {
            return HealthCheckResult.Unhealthy(exception.Message);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var probes = all.Select(async shard =>
        {
            try
            {
                await shard.PingAsync(timeout.Token);
                return (shard.Name, Error: (string?)null);
            }
            catch (Exception exception)
            {
                return (shard.Name, Error: exception.Message);
            }
        });
        var results = await Task.WhenAll(probes);
        var data = results.ToDictionary(r => $"shard {r.Name}", r => (object)(r.Error ?? "ok"));
        var down = results.Where(r => r.Error is not null).Select(r => r.Name).ToList();
        return down.Count == 0
            ? HealthCheckResult.Healthy($"{results.Length} shards reachable", data)
            : HealthCheckResult.Unhealthy($"Unreachable shards: {string.Join(", ", down)}", data: data);
    }
}
