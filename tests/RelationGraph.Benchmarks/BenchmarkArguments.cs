using System.Globalization;
using RelationGraph.Persistence.BulkImport;

namespace RelationGraph.Benchmarks;

/// <summary>
/// <c>--name value</c> options of one scenario. Each scenario reads the options it knows, then calls
/// <see cref="RejectUnknown"/>, so a misspelt option fails the run instead of silently running the defaults.
/// </summary>
internal sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private BenchmarkArguments()
    {
    }

    /// <summary>Parses <c>--name value</c> pairs; throws <see cref="UsageException"/> on anything else.</summary>
    public static BenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        var arguments = new BenchmarkArguments();
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new UsageException($"Expected '--name value' pairs, got '{string.Join(' ', args.Skip(i))}'.");
            }

            arguments._values[args[i][2..]] = args[i + 1];
        }

        return arguments;
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public int Int(string name, int fallback, int minimum = 1) => AtLeast(name, Parse(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture)), minimum);

    public long Long(string name, long fallback) => AtLeast(name, Parse(name, fallback, s => long.Parse(s, CultureInfo.InvariantCulture)), 1);

    public TimeSpan Seconds(string name, double fallback) =>
        TimeSpan.FromSeconds(AtLeast(name, Parse(name, fallback, s => double.Parse(s, CultureInfo.InvariantCulture)), double.Epsilon));

    /// <summary>A comma-separated list of numbers from <paramref name="minimum"/> up, such as <c>1,8,64</c>.</summary>
    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> fallback, int minimum = 1) =>
        Parse(name, fallback, s => s.Split(',').Select(v => AtLeast(name, int.Parse(v, CultureInfo.InvariantCulture), minimum)).ToList());

    /// <summary>A Zipf exponent written <c>zipf:1.1</c>, as <c>relgraph generate --skew</c> takes it.</summary>
    public double Skew(string name, double fallback) => Parse(name, fallback, EdgeListGenerator.ParseSkew);

    /// <summary>Throws when an option was given that the scenario did not read.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option(s) for this scenario: {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }

    private static T AtLeast<T>(string name, T value, T minimum)
        where T : IComparable<T> =>
        value.CompareTo(minimum) >= 0 ? value : throw new UsageException($"--{name} must be at least {minimum}, not {value}.");

    private T Parse<T>(string name, T fallback, Func<string, T> parse)
    {
        if (Text(name) is not { } text)
        {
            return fallback;
        }

        try
        {
            return parse(text);
        }
        catch (Exception exception) when (exception is FormatException or OverflowException or ArgumentException)
        {
            throw new UsageException($"--{name} '{text}': {exception.Message}");
        }
    }
}
