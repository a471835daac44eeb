using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RelationGraph.Benchmarks;

/// <summary>Raw results appended to a <c>--out</c> file as one <c>{scenario, at, result}</c> JSON object per line.</summary>
internal static class JsonLines
{
    // A side without samples has NaN latencies; JSON has no NaN, so they are written as the string "NaN".
    // The files are read by people and scripts, never embedded in HTML, so text is not escaped beyond JSON's needs.
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task AppendAsync(string? path, string scenario, IEnumerable<object> results, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var at = DateTimeOffset.UtcNow;
        await File.AppendAllLinesAsync(path, results.Select(result => JsonSerializer.Serialize(new { scenario, at, result }, Options)), cancellationToken);
    }
}
