namespace RelationGraph.Silo.Api.Protection;

/// <summary>The REST API's edge, bound from <c>RelationGraph:Api</c> and validated at start.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:Api";

    /// <summary>
    /// The callers the service trusts, by name: the SHA-256 of each key (64 hex digits; <c>relgraph api-key --new</c>
    /// makes a key and its hash) and its scopes (<c>read</c>, <c>write</c>, <c>admin</c>). When empty, the silo uses
    /// the development admin key in <c>api.key</c> in the data directory, generating it on first start.
    /// </summary>
    public Dictionary<string, ApiKeyOptions> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether <c>/metrics</c> needs a key with the <c>read</c> scope. Default false: scrapers reach it like <c>/health</c>.</summary>
    public bool ProtectMetrics { get; set; }

    /// <summary>The largest request body a <c>/v1</c> endpoint that takes one accepts, in bytes. Default 64 KiB.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Requests per second each API key may make, as a token bucket refilled every second; 0 turns the limit off. Default 2000.</summary>
    public int RequestsPerSecond { get; set; } = 2000;

    /// <summary>The bucket's size: how many requests a key may make at once after a quiet spell. Default twice <see cref="RequestsPerSecond"/>.</summary>
    public int? Burst { get; set; }
}
