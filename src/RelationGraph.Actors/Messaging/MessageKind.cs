namespace RelationGraph.Actors.Messaging;

/// <summary>The first byte of every frame body.</summary>
internal enum MessageKind : byte
{
    Request = 1,
    Response = 2,
    Ping = 3,
    Pong = 4,
    MembershipQuery = 5,
    MembershipReply = 6,
}
