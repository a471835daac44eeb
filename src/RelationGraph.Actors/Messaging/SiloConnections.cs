using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.Messaging;

/// <summary>
/// This silo's outbound connections to its peers. Connections to silos that leave the active view are closed,
/// so calls pending on them fail at once instead of waiting for the response timeout.
/// </summary>
internal sealed class SiloConnections : IAsyncDisposable
{
    public SiloConnections(IOptions<SiloOptions> silo, IOptions<SiloMessagingOptions> messaging, MembershipView membership, SiloControl control, ILoggerFactory loggerFactory)
    {
        Outbound = new ConnectionManager(ConnectionRole.Silo, silo.Value.ClusterId, silo.Value.ClusterSecret!, messaging.Value, loggerFactory);
        membership.Changed += view =>
        {
            foreach (var gone in view.Members.Where(m => m.Status is SiloStatus.Dead or SiloStatus.ShuttingDown))
            {
                Outbound.Disconnect(gone.Silo.EndPoint);
            }
        };
        control.Killed += Outbound.CloseAll;
    }

    public ConnectionManager Outbound { get; }

    public ValueTask DisposeAsync() => Outbound.DisposeAsync();
}
