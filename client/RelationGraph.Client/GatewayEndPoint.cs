using System.Globalization;
using System.Net;

namespace RelationGraph.Client;

/// <summary>Parses gateway endpoints written <c>ip:port</c>.</summary>
public static class GatewayEndPoint
{
    /// <summary>The endpoint; throws <see cref="ArgumentException"/> when <paramref name="text"/> is not <c>ip:port</c>.</summary>
    public static IPEndPoint Parse(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0 && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a gateway endpoint; write it as ip:port, for example 127.0.0.1:30000."), nameof(text));
}
