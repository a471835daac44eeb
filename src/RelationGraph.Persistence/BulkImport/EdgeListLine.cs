using System.Globalization;

namespace RelationGraph.Persistence.BulkImport;

/// <summary>One line of an edge list: <c>follower,followee[,unix_ms]</c>.</summary>
/// <param name="Follower">Who follows.</param>
/// <param name="Followee">Whom.</param>
/// <param name="UnixMilliseconds">When, if the line says.</param>
public readonly record struct EdgeListLine(long Follower, long Followee, long? UnixMilliseconds)
{
    /// <summary>Parses a line; throws <see cref="FormatException"/> naming the line number and what is wrong.</summary>
    public static EdgeListLine Parse(ReadOnlySpan<char> line, long lineNumber)
    {
        Span<Range> fields = stackalloc Range[4];
        var count = line.Split(fields, ',');
        if (count is < 2 or > 3)
        {
            throw Invalid(lineNumber, "expected follower,followee[,unix_ms]");
        }

        var follower = Id(line[fields[0]], lineNumber);
        var followee = Id(line[fields[1]], lineNumber);
        if (follower == followee)
        {
            throw Invalid(lineNumber, $"user {follower} cannot follow themselves");
        }

        long? at = null;
        if (count == 3)
        {
            at = long.TryParse(line[fields[2]].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 253_402_300_799_999
                ? ms
                : throw Invalid(lineNumber, "unix_ms must be milliseconds since 1970");
        }

        return new EdgeListLine(follower, followee, at);
    }

    /// <summary>The line as CSV.</summary>
    public override string ToString() => UnixMilliseconds is { } ms
        ? string.Create(CultureInfo.InvariantCulture, $"{Follower},{Followee},{ms}")
        : string.Create(CultureInfo.InvariantCulture, $"{Follower},{Followee}");

    private static long Id(ReadOnlySpan<char> field, long lineNumber) =>
        long.TryParse(field.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw Invalid(lineNumber, $"'{field.ToString()}' is not a user id (an integer from 1)");

    private static FormatException Invalid(long lineNumber, string reason) => new($"line {lineNumber}: {reason}");
}
