using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using RelationGraph.Client;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// The API keys the silo trusts: <see cref="ApiOptions.Keys"/>, or when none are configured the development admin key
/// in <c>api.key</c> in the data directory (generated on first start). Only hashes are kept.
/// </summary>
internal sealed partial class ApiKeyRing
{
    private readonly Entry[] _entries;

    public ApiKeyRing(IOptions<ApiOptions> options, IConfiguration configuration, ILogger<ApiKeyRing> logger)
    {
        if (options.Value.Keys.Count > 0)
        {
            _entries = [.. options.Value.Keys.Select(k => new Entry(k.Key, Convert.FromHexString(k.Value.Hash), [.. k.Value.Scopes]))];
            LogConfigured(logger, _entries.Length);
            return;
        }

        var dataDirectory = configuration.GetSection("RelationGraph").Get<DevelopmentDatabaseOptions>()?.DataDirectory ?? new DevelopmentDatabaseOptions().DataDirectory;
        var key = ApiKeyFile.LoadOrCreate(dataDirectory);
        _entries = [new Entry("development", Convert.FromHexString(ApiKeyFile.Hash(key)), [ApiScopes.Admin])];
        LogDevelopmentKey(logger, ApiKeyFile.PathIn(dataDirectory));
    }

    /// <summary>The caller holding <paramref name="presented"/>, or null. Takes the same time whichever key matches, or none.</summary>
    public ApiCaller? Find(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        Entry? match = null;
        foreach (var entry in _entries)
        {
            // Every entry is compared, so the time says nothing about which one matched.
            if (CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
            {
                match = entry;
            }
        }

        return match is null ? null : new ApiCaller(match.Name, match.Scopes);
    }

    [LoggerMessage(1, LogLevel.Information, "API keys: {Count} configured in RelationGraph:Api:Keys")]
    private static partial void LogConfigured(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Information, "No API keys configured (RelationGraph:Api:Keys): callers use the development admin key in {Path}")]
    private static partial void LogDevelopmentKey(ILogger logger, string path);

    private sealed record Entry(string Name, byte[] Hash, HashSet<string> Scopes);
}
