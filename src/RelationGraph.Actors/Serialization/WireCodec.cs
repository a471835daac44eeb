namespace RelationGraph.Actors.Serialization;

/// <summary>Writes and reads values of one type in the wire format.</summary>
public abstract class WireCodec
{
    /// <summary>Writes <paramref name="value"/>.</summary>
    public abstract void Write(ref WireWriter writer, object? value);

    /// <summary>Reads a value.</summary>
    public abstract object? Read(ref WireReader reader);
}
