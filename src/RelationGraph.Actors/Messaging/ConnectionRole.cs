namespace RelationGraph.Actors.Messaging;

/// <summary>Who opens a connection: another silo, or a client at a gateway.</summary>
public enum ConnectionRole : byte
{
    /// <summary>A silo of the same cluster.</summary>
    Silo = 1,

    /// <summary>A client.</summary>
    Client = 2,
}
