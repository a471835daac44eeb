using Microsoft.Extensions.Options;

namespace RelationGraph.Persistence;

/// <summary>The meta database named by <see cref="StorageOptions.ConnectionString"/>.</summary>
internal sealed class ConfiguredMetaDatabaseLocator(IOptions<StorageOptions> options) : IMetaDatabaseLocator
{
    public ValueTask<string> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(options.Value.ConnectionString
            ?? throw new InvalidOperationException("RelationGraph:ConnectionString is not set and no development database is configured."));
}
