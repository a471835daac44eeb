using System.Security.Cryptography;

namespace RelationGraph.Silo.Hosting;

/// <summary>The development cluster's secret: generated once into <c>cluster.secret</c> in the data directory, shared by local silos and the CLI.</summary>
public static class DevelopmentClusterSecret
{
    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = "cluster.secret";

    /// <summary>Reads the secret, creating it on first use.</summary>
    public static string ReadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(System.Text.Encoding.UTF8.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another silo created it first.
            }
        }

        return File.ReadAllText(path).Trim();
    }
}
