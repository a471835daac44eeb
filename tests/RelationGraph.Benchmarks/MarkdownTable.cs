using System.Globalization;

namespace RelationGraph.Benchmarks;

/// <summary>A result table printed as GitHub markdown: the leading label columns left-aligned, the numbers after them right-aligned.</summary>
internal sealed class MarkdownTable(int labelColumns, params string[] headers)
{
    public MarkdownTable(params string[] headers)
        : this(1, headers)
    {
    }

    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row has {cells.Length} cells; the table has {headers.Length} columns.", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>Writes the table to standard output, after a blank line that separates it from the progress on standard error.</summary>
    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"| {string.Join(" | ", headers)} |");
        Console.WriteLine($"|{string.Concat(headers.Select((_, i) => i < labelColumns ? "---|" : "---:|"))}");
        foreach (var row in _rows)
        {
            Console.WriteLine($"| {string.Join(" | ", row)} |");
        }
    }

    public static string Number(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Milliseconds(double value) => Number(value, "0.000");

    public static string Rate(double value) => Number(value, "N0");

    public static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "-" : Number(value, "0.00") + "x";

    public static string Mebibytes(long bytes) => Number(bytes / 1024.0 / 1024.0, "N1") + " MiB";
}
