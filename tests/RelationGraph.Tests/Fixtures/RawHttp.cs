using System.Net.Sockets;
using System.Text;

namespace RelationGraph.Tests.Fixtures;

/// <summary>
/// HTTP/1.1 over a plain socket, sending the request target byte for byte: HttpClient's <see cref="Uri"/> would resolve
/// dot segments before they leave the process, and the probes must reach the server as a hostile client sends them.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? ContentType => Headers.TryGetValue("content-type", out var type) ? type : null;
    }

    public static async Task<Response> SendAsync(Uri server, string method, string target, string? authorization = null, string? body = null, string? contentType = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, TestContext.Current.CancellationToken);
        await using var stream = tcp.GetStream();
        var payload = Encoding.UTF8.GetBytes(body ?? "");
        var lines = new List<string> { $"{method} {target} HTTP/1.1", $"Host: {server.Authority}", "Connection: close" };
        if (authorization is not null) lines.Add($"Authorization: {authorization}");
        if (body is not null || method is "PUT" or "POST" or "DELETE") lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {payload.Length}"));
        if (contentType is not null) lines.Add($"Content-Type: {contentType}");
        var request = string.Join("\r\n", lines) + "\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), TestContext.Current.CancellationToken);
        await stream.WriteAsync(payload, TestContext.Current.CancellationToken);

        using var reader = new MemoryStream();
        await stream.CopyToAsync(reader, TestContext.Current.CancellationToken);
        return Parse(Encoding.UTF8.GetString(reader.ToArray()));
    }

    private static Response Parse(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"not an HTTP response: {raw}");
        var lines = raw[..split].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = raw[(split + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new StringBuilder();
            var position = 0;
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
                var size = Convert.ToInt32(body[position..lineEnd].Split(';')[0], 16);
                if (size == 0) break;
                decoded.Append(body, lineEnd + 2, size);
                position = lineEnd + 2 + size + 2;
            }

            body = decoded.ToString();
        }

        return new Response(status, headers, body);
    }
}
