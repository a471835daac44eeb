using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RelationGraph.Silo.Api;

/// <summary>Writes timestamps as ISO-8601 UTC with microseconds, the storage's precision: <c>2026-11-21T05:00:00.123456Z</c>.</summary>
internal sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
