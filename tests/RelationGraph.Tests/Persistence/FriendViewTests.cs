using Npgsql;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Persistence;

/// <summary>
/// The friend views (friends, requests out, requests in) of a pair whose two asks change in two transactions at once: the
/// asker's own ask and the copy of the other's ask, as the write path and the redundancy delivery apply them.
/// </summary>
public sealed class FriendViewTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Owner = 1;
    private const long Other = 2;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private StorageHost _storage = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string ShardConnectionString => _storage.Shards.All[0].ConnectionString;

    public async ValueTask InitializeAsync() =>
        _storage = await StorageHost.StartAsync(postgres.NewDatabase("friendviews"), new Dictionary<string, string?> { ["RelationGraph:Shards"] = "1" });

    public ValueTask DisposeAsync() => _storage.DisposeAsync();

    [Theory]
    [InlineData(0, 0, 1, 1)] // both ask at once
    [InlineData(1, 1, 0, 0)] // both withdraw at once
    [InlineData(1, 0, 0, 1)] // the owner withdraws as the other asks
    [InlineData(0, 1, 1, 0)] // the owner asks as the other withdraws
    public async Task Views_match_the_asks_when_both_asks_change_at_once(short askOut, short askIn, short newAskOut, short newAskIn)
    {
        await using var setup = await OpenAsync();
        if (askOut == 1)
        {
            await ApplyAsync(setup, null, direction: 3, askOut, T0);
        }

        if (askIn == 1)
        {
            await ApplyAsync(setup, null, direction: 4, askIn, T0);
        }

        // The first change holds its transaction open while the second runs, so the second cannot see it unless it waits.
        await using var first = await OpenAsync();
        await using var transaction = await first.BeginTransactionAsync(Token);
        await ApplyAsync(first, transaction, direction: 3, newAskOut, T0.AddSeconds(1));
        var second = Task.Run(async () =>
        {
            await using var connection = await OpenAsync();
            await ApplyAsync(connection, null, direction: 4, newAskIn, T0.AddSeconds(1));
        }, Token);
        await Eventually.WaitAsync(async ct => second.IsCompleted || await WaitersAsync(setup, ct) > 0, TimeSpan.FromSeconds(30), () => "the second change neither finished nor waited", Token);
        await transaction.CommitAsync(Token);
        await second;

        var friends = newAskOut == 1 && newAskIn == 1 ? 1 : 0;
        var requestsOut = newAskOut == 1 && newAskIn == 0 ? 1 : 0;
        var requestsIn = newAskIn == 1 && newAskOut == 0 ? 1 : 0;
        Assert.Equal((friends, requestsOut, requestsIn), await ViewsAsync(setup, "state"));
        Assert.Equal((friends, requestsOut, requestsIn), await ViewsAsync(setup, "count"));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ShardConnectionString);
        await connection.OpenAsync(Token);
        return connection;
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, short direction, short state, DateTimeOffset at)
    {
        await using var command = new NpgsqlCommand("SELECT apply_edge_event($1, $2, $3, $4, $5)", connection, transaction);
        command.Parameters.Add(new() { Value = Owner });
        command.Parameters.Add(new() { Value = direction });
        command.Parameters.Add(new() { Value = Other });
        command.Parameters.Add(new() { Value = state });
        command.Parameters.Add(new() { Value = at });
        await command.ExecuteScalarAsync(Token);
    }

    private static async Task<long> WaitersAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The owner's friends, requests-out and requests-in view rows for the pair (a missing row is 0), or the owner's counts of each.</summary>
    private static async Task<(int, int, int)> ViewsAsync(NpgsqlConnection connection, string what)
    {
        var sql = what == "state"
            ? "SELECT d, coalesce((SELECT state FROM edges WHERE owner_id = $1 AND direction = d AND other_id = $2), 0)::int FROM unnest(ARRAY[7, 8, 9]::smallint[]) AS d"
            : "SELECT d, coalesce((SELECT count FROM edge_counts WHERE owner_id = $1 AND direction = d), 0)::int FROM unnest(ARRAY[7, 8, 9]::smallint[]) AS d";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = Owner });
        command.Parameters.Add(new() { Value = Other });
        var values = new Dictionary<short, int>();
        await using var reader = await command.ExecuteReaderAsync(Token);
        while (await reader.ReadAsync(Token))
        {
            values[reader.GetInt16(0)] = reader.GetInt32(1);
        }

        return (values[7], values[8], values[9]);
    }
}
