using System.IO.Pipelines;

namespace RelationGraph.Actors.Messaging;

/// <summary>Pipes over a connected socket's stream, for connections this process opens.</summary>
internal sealed class StreamDuplexPipe(Stream stream) : IDuplexPipe
{
    public PipeReader Input { get; } = PipeReader.Create(stream);

    public PipeWriter Output { get; } = PipeWriter.Create(stream);
}
