using System.Globalization;

namespace RelationGraph.Benchmarks;

/// <summary>Resident memory of a process, in bytes.</summary>
/// <param name="Rss">VmRSS: resident now.</param>
/// <param name="PeakRss">VmHWM: the most ever resident.</param>
/// <param name="AnonymousRss">RssAnon: resident heap and stacks, without mapped files such as the loaded assemblies.</param>
internal sealed record SiloMemory(long Rss, long PeakRss, long AnonymousRss)
{
    /// <summary>Reads <c>/proc/<paramref name="process"/>/status</c>: a process id, or <c>self</c>.</summary>
    public static SiloMemory Read(string process)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.EndsWith(" kB", StringComparison.Ordinal))
            {
                values[line[..colon]] = long.Parse(line[(colon + 1)..^3].Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return new SiloMemory(values["VmRSS"], values["VmHWM"], values["RssAnon"]);
    }
}
