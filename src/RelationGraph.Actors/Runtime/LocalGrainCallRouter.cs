using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;

namespace RelationGraph.Actors.Runtime;

/// <summary>Delivers every call to this silo's catalog, bounded by the response timeout.</summary>
internal sealed class LocalGrainCallRouter(Catalog catalog, IOptions<SiloMessagingOptions> options) : IGrainCallRouter
{
    private readonly TimeSpan _responseTimeout = options.Value.ResponseTimeout;

    public async Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken = default)
    {
        var response = catalog.DeliverAsync(call);
        try
        {
            return await response.WaitAsync(_responseTimeout, cancellationToken);
        }
        catch (TimeoutException) when (!response.IsCompleted)
        {
            throw new TimeoutException($"Response did not arrive on time in {_responseTimeout} for {call}.");
        }
    }
}
