using RelationGraph.Actors.Membership;

namespace RelationGraph.Actors.Runtime;

/// <summary>This silo's identity, known once its endpoints are bound (ports may be chosen by the system).</summary>
public sealed class LocalSiloDetails
{
    private SiloAddress? _address;

    /// <summary>This silo's address; throws before the endpoints are bound.</summary>
    public SiloAddress Address => _address ?? throw new InvalidOperationException("The silo's endpoints are not bound yet.");

    /// <summary>The bound gateway port.</summary>
    public int GatewayPort { get; private set; }

    /// <summary>The silo's name.</summary>
    public string Name { get; private set; } = string.Empty;

    internal void Initialize(SiloAddress address, int gatewayPort, string name)
    {
        GatewayPort = gatewayPort;
        Name = name;
        _address = address;
    }
}
