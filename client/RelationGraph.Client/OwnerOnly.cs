namespace RelationGraph.Client;

/// <summary>Writes secrets into files only their owner can read (mode 0600 on Unix), created new.</summary>
public static class OwnerOnly
{
    /// <summary>Creates <paramref name="path"/> (it must not exist) with <paramref name="text"/>, readable and writable by its owner only.</summary>
    public static void WriteAllText(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        using var writer = new StreamWriter(file);
        writer.Write(text);
        writer.Flush();
        file.Flush(flushToDisk: true);
    }
}
