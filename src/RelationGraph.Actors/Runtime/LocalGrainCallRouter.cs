using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;

namespace RelationGraph.Actors.Runtime;

/// <summary>Delivers every call to this silo's catalog, bounded by the response timeout.</summary>
internal sealed class LocalGrainCallRouter(Catalog catalog, IOptions<SiloMessagingOptions> options) : IGrainCallRouter
{
    public Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken = default) =>
        catalog.InvokeAsync(call, options.Value.ResponseTimeout, cancellationToken);
}
