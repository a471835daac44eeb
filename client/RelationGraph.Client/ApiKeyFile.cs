using System.Security.Cryptography;
using System.Text;

namespace RelationGraph.Client;

/// <summary>
/// API keys of the REST API and the development key file. A development silo with no configured keys generates an admin
/// key into <see cref="FileName"/> in its data directory (readable by its owner only); the CLI and scripts read it there.
/// </summary>
public static class ApiKeyFile
{
    /// <summary>The key file's name inside the data directory (<c>RelationGraph:DataDirectory</c>). Scripts rely on it.</summary>
    public const string FileName = "api.key";

    private const string Prefix = "rg_";

    /// <summary>The key file's path in <paramref name="dataDirectory"/>.</summary>
    public static string PathIn(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, FileName));

    /// <summary>A new random key: <c>rg_</c> and 32 random bytes in URL-safe base64.</summary>
    public static string NewKey() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The key's SHA-256 as 64 lowercase hex digits: what <c>RelationGraph:Api:Keys:{name}:Hash</c> holds.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The key in <paramref name="dataDirectory"/>, or null when there is no key file.</summary>
    public static string? TryRead(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } key ? key : null : null;
    }

    /// <summary>The key in <paramref name="dataDirectory"/>, generated (owner-only on Unix) when there is none.</summary>
    public static string LoadOrCreate(string dataDirectory)
    {
        if (TryRead(dataDirectory) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(dataDirectory);
        var path = PathIn(dataDirectory);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            OwnerOnly.WriteAllText(temporary, NewKey() + "\n");
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another silo wrote it first; use theirs.
        }
        finally
        {
            File.Delete(temporary);
        }

        return TryRead(dataDirectory) ?? throw new InvalidOperationException($"The API key file '{path}' is empty.");
    }
}
