using Npgsql;

namespace RelationGraph.Benchmarks;

/// <summary>
/// Where PostgreSQL's time went, from <c>pg_stat_statements</c> (a server started with statement tracking): the
/// statements of some databases, by total execution time, per unit of the scenario's work.
/// </summary>
internal static class StatementStats
{
    private const string ResetSql = "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()";

    private const string TopSql = """
        SELECT s.toplevel, sum(s.calls)::bigint, sum(s.total_exec_time), sum(s.rows)::bigint, min(s.query)
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname LIKE $1
        GROUP BY s.toplevel, s.queryid
        ORDER BY 3 DESC
        LIMIT $2
        """;

    /// <summary>Forgets what was tracked so far (say, the set-up's statements).</summary>
    public static async Task ResetAsync(BenchmarkServer server, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(ResetSql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Prints the <paramref name="top"/> statements run in databases named like <paramref name="databasePattern"/>
    /// (a LIKE pattern), with their execution time per <paramref name="unit"/> (of which there were <paramref name="units"/>).
    /// Statements inside functions are counted in their own rows and again in the calling statement's.
    /// </summary>
    public static async Task PrintAsync(BenchmarkServer server, string databasePattern, int top, long units, string unit, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(TopSql, connection);
        command.Parameters.Add(new() { Value = databasePattern });
        command.Parameters.Add(new() { Value = (long)top });
        var table = new MarkdownTable("level", "calls", "total ms", $"µs per {unit}", "rows", "statement");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var totalMilliseconds = reader.GetDouble(2);
            var query = string.Join(' ', reader.GetString(4).Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            table.Add(
                reader.GetBoolean(0) ? "top" : "nested",
                reader.GetInt64(1).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                MarkdownTable.Number(totalMilliseconds, "0"),
                MarkdownTable.Number(totalMilliseconds * 1000 / units, "0.0"),
                reader.GetInt64(3).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                query.Length > 110 ? query[..110] + "…" : query);
        }

        Console.WriteLine();
        Console.WriteLine($"PostgreSQL statements by execution time ({units:N0} {unit}s; nested statements also count in their caller's row):");
        table.Print();
    }
}
