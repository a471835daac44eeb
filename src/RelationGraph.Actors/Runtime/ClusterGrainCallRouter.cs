using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Messaging;

namespace RelationGraph.Actors.Runtime;

/// <summary>
/// Sends each call to the silo that owns its grain in this silo's view of the membership: locally to the catalog,
/// otherwise over the persistent connection to the owner. A call that arrives here for a grain this silo does not
/// own (the sender's view differed) is forwarded, at most <see cref="SiloMessagingOptions.MaxForwardCount"/> times.
/// </summary>
internal sealed class ClusterGrainCallRouter(
    Catalog catalog,
    MembershipView membership,
    LocalSiloDetails local,
    SiloConnections connections,
    IOptions<SiloMessagingOptions> options) : IGrainCallRouter
{
    private readonly SiloMessagingOptions _options = options.Value;

    public Task<object?> InvokeAsync(GrainCall call, CancellationToken cancellationToken = default) => RouteAsync(call, 0, cancellationToken);

    /// <summary>A call that arrived from another silo or a client.</summary>
    public Task<object?> DeliverAsync(GrainCall call, int forwardCount, CancellationToken cancellationToken) =>
        forwardCount < _options.MaxForwardCount
            ? RouteAsync(call, forwardCount + 1, cancellationToken)
            : catalog.InvokeAsync(call, _options.ResponseTimeout, cancellationToken);

    private async Task<object?> RouteAsync(GrainCall call, int forwardCount, CancellationToken cancellationToken)
    {
        var owner = membership.Current.PlaceGrain(call.Target);
        if (owner is null || owner == local.Address)
        {
            return await catalog.InvokeAsync(call, _options.ResponseTimeout, cancellationToken);
        }

        var connection = await connections.Outbound.GetAsync(owner.EndPoint, cancellationToken);
        var response = await connection.RequestAsync(
            id => MessageCodec.EncodeRequest(id, call, forwardCount), _options.ResponseTimeout, cancellationToken);
        return MessageCodec.DecodeResponse(response, call.Method);
    }
}
