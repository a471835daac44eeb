using Orleans.Concurrency;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>Counts read from the user's shard in one query; see <see cref="ICountsGrain"/>.</summary>
[StatelessWorker]
public sealed class CountsGrain(EdgeStore store) : Grain, ICountsGrain
{
    public Task<Counts> GetCountsAsync(UserId user) => store.GetCountsAsync(user);
}
