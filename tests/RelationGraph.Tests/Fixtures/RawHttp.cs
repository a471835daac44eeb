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
        try
        {
            await stream.WriteAsync(payload, TestContext.Current.CancellationToken);
        }
        catch (IOException)
        {
            // The server answered (413, 400) and closed before taking the whole body; its answer is still there to read.
        }

        using var reader = new MemoryStream();
        try
        {
            await stream.CopyToAsync(reader, TestContext.Current.CancellationToken);
        }
        catch (IOException) when (reader.Length > 0)
        {
            // Reset after the answer, because part of the body was never read.
        }

        return Parse(reader.ToArray());
    }

    private static Response Parse(byte[] raw)
    {
        var split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(split > 0, $"not an HTTP response: {Encoding.UTF8.GetString(raw)}");
        var lines = Encoding.ASCII.GetString(raw, 0, split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = raw.AsSpan(split + 4);
        if (body.Length > 0 && headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new List<byte>();
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n"u8);
                var size = Convert.ToInt32(Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0], 16);
                if (size == 0) break;
                decoded.AddRange(body.Slice(lineEnd + 2, size));
                body = body[(lineEnd + 2 + size + 2)..];
            }

            return new Response(status, headers, Encoding.UTF8.GetString([.. decoded]));
        }

        return new Response(status, headers, Encoding.UTF8.GetString(body));
    }
}
