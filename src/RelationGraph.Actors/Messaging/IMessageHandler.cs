namespace RelationGraph.Actors.Messaging;

/// <summary>Answers the requests that arrive on a connection.</summary>
internal interface IMessageHandler
{
    /// <summary>The response frame for a request frame body, or null when none is due.</summary>
    Task<byte[]?> HandleAsync(MessageKind kind, long correlationId, ReadOnlyMemory<byte> body);
}
