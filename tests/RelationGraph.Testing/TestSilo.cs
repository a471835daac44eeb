using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Testing;

/// <summary>One silo of a <see cref="TestCluster"/>: a full silo host (storage, runtime, grains, membership) without HTTP.</summary>
public sealed class TestSilo
{
    internal TestSilo(IHost host)
    {
        Host = host;
        var local = host.Services.GetRequiredService<LocalSiloDetails>();
        Address = local.Address;
        GatewayPort = local.GatewayPort;
    }

    /// <summary>The silo's host.</summary>
    public IHost Host { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>The silo's address (with its generation).</summary>
    public SiloAddress Address { get; }

    /// <summary>The silo's port, kept across restarts.</summary>
    public int SiloPort => Address.Port;

    /// <summary>The gateway port, kept across restarts.</summary>
    public int GatewayPort { get; }

    /// <summary>The silo's activations.</summary>
    public Catalog Catalog => Services.GetRequiredService<Catalog>();

    /// <summary>The silo's current view of the cluster.</summary>
    public ClusterView View => Services.GetRequiredService<MembershipView>().Current;

    /// <inheritdoc />
    public override string ToString() => $"silo {SiloPort}";
}
