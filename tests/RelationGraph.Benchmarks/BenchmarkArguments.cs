using System.Globalization;

namespace RelationGraph.Benchmarks;

/// <summary>Command-line settings shared by the scenarios.</summary>
internal sealed record BenchmarkArguments(TimeSpan Duration, IReadOnlyList<int> Silos, IReadOnlyList<int> Concurrency, string? Output, int Follows, int Samples, long Edges, int Users)
{
    public static BenchmarkArguments Parse(string[] args, string defaultConcurrency)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        static IReadOnlyList<int> List(string text) => text.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var edges = long.Parse(values.GetValueOrDefault("edges", "10000000"), CultureInfo.InvariantCulture);
        return new BenchmarkArguments(
            TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("duration", "3"), CultureInfo.InvariantCulture)),
            List(values.GetValueOrDefault("silos", "1,3")),
            List(values.GetValueOrDefault("concurrency", defaultConcurrency)),
            values.GetValueOrDefault("out"),
            int.Parse(values.GetValueOrDefault("follows", "20000"), CultureInfo.InvariantCulture),
            int.Parse(values.GetValueOrDefault("samples", "2000"), CultureInfo.InvariantCulture),
            edges,
            values.TryGetValue("users", out var users) ? int.Parse(users, CultureInfo.InvariantCulture) : (int)Math.Max(2, edges / 10));
    }
}
