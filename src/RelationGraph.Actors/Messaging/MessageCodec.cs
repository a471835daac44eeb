using System.Reflection;
using RelationGraph.Actors.Serialization;

namespace RelationGraph.Actors.Messaging;

/// <summary>Encodes grain calls, results and exceptions into frames and back.</summary>
internal static class MessageCodec
{
    private const byte Success = 0;
    private const byte Failure = 1;

    public static byte[] EncodeRequest(long correlationId, GrainCall call, int forwardCount)
    {
        var frame = new FrameBuilder(MessageKind.Request, correlationId);
        var writer = frame.Writer;
        writer.WriteVarUInt64((ulong)forwardCount);
        writer.WriteString(call.Target.Type);
        writer.WriteString(call.Target.Key);
        writer.WriteVarInt64(call.Method.Id);
        for (var i = 0; i < call.Method.ParameterTypes.Count; i++)
        {
            WireSerializer.Write(ref writer, call.Method.ParameterTypes[i], call.Arguments[i]);
        }

        return frame.Build();
    }

    public static (GrainCall Call, int ForwardCount) DecodeRequest(ReadOnlySpan<byte> body, GrainMethodTable methods)
    {
        var reader = new WireReader(body[9..]);
        var forwardCount = checked((int)reader.ReadVarUInt64());
        var target = new GrainId(reader.ReadString() ?? throw Malformed(), reader.ReadString() ?? throw Malformed());
        var method = methods.Get(checked((int)reader.ReadVarInt64()));
        var arguments = new object?[method.ParameterTypes.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = WireSerializer.Read(ref reader, method.ParameterTypes[i]);
        }

        return (new GrainCall(target, method, arguments), forwardCount);
    }

    public static byte[] EncodeResult(long correlationId, GrainMethod method, object? result)
    {
        var frame = new FrameBuilder(MessageKind.Response, correlationId);
        var writer = frame.Writer;
        writer.WriteByte(Success);
        if (method.ResultType is not null)
        {
            WireSerializer.Write(ref writer, method.ResultType, result);
        }

        return frame.Build();
    }

    public static byte[] EncodeException(long correlationId, Exception exception)
    {
        var frame = new FrameBuilder(MessageKind.Response, correlationId);
        var writer = frame.Writer;
        writer.WriteByte(Failure);
        var type = exception is RemoteGrainException remote ? remote.RemoteType : exception.GetType().FullName;
        writer.WriteString(type);
        writer.WriteString(exception.GetType().Assembly.GetName().Name);
        writer.WriteString(exception.Message);
        return frame.Build();
    }

    /// <summary>The result carried by a response frame body, or the exception it carries, thrown.</summary>
    public static object? DecodeResponse(ReadOnlySpan<byte> body, GrainMethod? method)
    {
        var reader = new WireReader(body[9..]);
        if (reader.ReadByte() == Success)
        {
            return method?.ResultType is null ? null : WireSerializer.Read(ref reader, method.ResultType);
        }

        var typeName = reader.ReadString();
        var assemblyName = reader.ReadString();
        var message = reader.ReadString() ?? string.Empty;
        throw RecreateException(typeName, assemblyName, message);
    }

    /// <summary>
    /// Recreates well-known exception types so callers can catch them by type (argument errors, timeouts, typed
    /// domain exceptions with a message constructor); anything else becomes a <see cref="RemoteGrainException"/>.
    /// </summary>
    private static Exception RecreateException(string? typeName, string? assemblyName, string message)
    {
        var type = typeName is null ? null : Type.GetType(assemblyName is null ? typeName : $"{typeName}, {assemblyName}", throwOnError: false);
        if (type is not null && typeof(Exception).IsAssignableFrom(type))
        {
            if (type == typeof(ArgumentOutOfRangeException) || type == typeof(ArgumentNullException))
            {
                return (Exception)Activator.CreateInstance(type, null, message)!;
            }

            if (type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, [typeof(string)]) is { } constructor)
            {
                return (Exception)constructor.Invoke([message]);
            }
        }

        return new RemoteGrainException(message) { RemoteType = typeName };
    }

    private static InvalidDataException Malformed() => new("Malformed request.");
}
