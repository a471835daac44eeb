using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Runtime;
using RelationGraph.Actors.Serialization;

namespace RelationGraph.Actors.Messaging;

/// <summary>Answers what arrives at a silo: grain calls (routed by the cluster router), probes and membership queries.</summary>
internal sealed class SiloMessageHandler(ClusterGrainCallRouter router, GrainTypeRegistry registry, MembershipView membership) : IMessageHandler
{
    private readonly GrainMethodTable _methods = new(registry.Interfaces);

    public async Task<byte[]?> HandleAsync(MessageKind kind, long correlationId, ReadOnlyMemory<byte> body)
    {
        switch (kind)
        {
            case MessageKind.Ping:
                return FrameBuilder.Empty(MessageKind.Pong, correlationId);
            case MessageKind.MembershipQuery:
                return EncodeMembership(correlationId, membership.Current);
            case MessageKind.Request:
                GrainCall call;
                int forwardCount;
                try
                {
                    (call, forwardCount) = MessageCodec.DecodeRequest(body.Span, _methods);
                }
                catch (Exception exception)
                {
                    return MessageCodec.EncodeException(correlationId, exception);
                }

                try
                {
                    return MessageCodec.EncodeResult(correlationId, call.Method, await router.DeliverAsync(call, forwardCount, CancellationToken.None));
                }
                catch (Exception exception)
                {
                    return MessageCodec.EncodeException(correlationId, exception);
                }

            default:
                throw new InvalidDataException($"Unexpected {kind}.");
        }
    }

    /// <summary>The view as a <see cref="MessageKind.MembershipReply"/>: version, then each member's address, gateway port, name and status.</summary>
    internal static byte[] EncodeMembership(long correlationId, ClusterView view)
    {
        var frame = new FrameBuilder(MessageKind.MembershipReply, correlationId);
        var writer = frame.Writer;
        WireSerializer.Write(ref writer, typeof(ClusterView), view);
        return frame.Build();
    }

    internal static ClusterView DecodeMembership(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body[9..]);
        return (ClusterView)WireSerializer.Read(ref reader, typeof(ClusterView))!;
    }
}
