using System.Text.Json;
using System.Text.Json.Serialization;

namespace RelationGraph.Abstractions;

/// <summary>Reads and writes <see cref="UserId"/> as a JSON number.</summary>
public sealed class UserIdJsonConverter : JsonConverter<UserId>
{
    /// <inheritdoc />
    public override UserId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value > 0)
        {
            return new UserId(value);
        }

        throw new JsonException("A user id must be a JSON integer greater than zero.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, UserId value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Value);
}
