using System.Globalization;

namespace RelationGraph.Actors;

/// <summary>Identity of a grain: its grain type and its key. Stable across activations and silos.</summary>
/// <param name="Type">The grain type name, for example <c>following</c>.</param>
/// <param name="Key">The key, integer keys in invariant decimal form.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <summary>Creates the id of an integer-keyed grain.</summary>
    public static GrainId Create(string type, long key) => new(type, key.ToString(CultureInfo.InvariantCulture));

    /// <summary>The key as a 64-bit integer; throws when the grain is not integer-keyed.</summary>
    public long GetIntegerKey() =>
        long.TryParse(Key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)
            ? key
            : throw new InvalidOperationException($"Grain {this} does not have an integer key.");

    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
