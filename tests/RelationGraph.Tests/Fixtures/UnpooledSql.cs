using Npgsql;

namespace RelationGraph.Tests.Fixtures;

/// <summary>One statement on a connection of its own: a pooled one could be a connection a server restart has cut.</summary>
public static class UnpooledSql
{
    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
