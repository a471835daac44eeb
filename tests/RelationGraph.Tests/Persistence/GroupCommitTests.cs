using Npgsql;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Persistence;

/// <summary>Edge writes that arrive while a shard is busy committing share the next transaction.</summary>
public sealed class GroupCommitTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly UserId Owner = new(1);

    private StorageHost _storage = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _storage = await StorageHost.StartAsync(postgres.NewDatabase("groupcommit"), new Dictionary<string, string?>
        {
            ["RelationGraph:Shards"] = "1",
            ["RelationGraph:WriteFlushesPerShard"] = "1",
        });

    public ValueTask DisposeAsync() => _storage.DisposeAsync();

    [Fact]
    public async Task Writes_queued_behind_a_busy_commit_are_committed_in_one_transaction()
    {
        var first = await WriteWhileCountsAreLockedAsync(() => Enumerable.Range(100, 50).Select(Follow).ToList());

        Assert.All(first.Queued, changed => Assert.True(changed));
        Assert.True(first.Blocked);
        var transactions = await TransactionsOfAsync(Enumerable.Range(100, 50));
        Assert.Single(transactions);
        Assert.DoesNotContain(await TransactionsOfAsync([99]), transactions.Contains);
        Assert.Equal(51, await _storage.Edges.GetCountAsync(EdgeDirection.Following, Owner, Token));
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_its_batch_mates_commit()
    {
        var result = await WriteWhileCountsAreLockedAsync(() =>
        {
            var good = Enumerable.Range(300, 10).Select(Follow).ToList();
            var bad = _storage.Edges.ApplyAsync(EdgeDirection.Following, Owner, new UserId(310), (EdgeState)7, T0, cancellationToken: Token);
            return [.. good, bad];
        }, blockedOther: 299);

        Assert.Equal(10, result.Queued.Count(changed => changed));
        Assert.IsType<PostgresException>(result.Failure);
        Assert.Null(await _storage.Edges.GetAsync(EdgeDirection.Following, Owner, new UserId(310), Token));
        Assert.Equal(EdgeState.Active, (await _storage.Edges.GetAsync(EdgeDirection.Following, Owner, new UserId(309), Token))!.State);
    }

    [Fact]
    public async Task A_batch_naming_an_edge_twice_ends_as_its_newest_event_with_exact_counts()
    {
        // Inserted together where they can be, the batch's events still end as applied one by one would.
        var result = await WriteWhileCountsAreLockedAsync(() =>
        [
            Follow(400),
            Follow(401),
            _storage.Edges.ApplyAsync(EdgeDirection.Following, Owner, new UserId(401), EdgeState.Removed, T0.AddSeconds(1), cancellationToken: Token),
            _storage.Edges.ApplyAsync(EdgeDirection.Following, Owner, new UserId(402), EdgeState.Removed, T0, cancellationToken: Token),
            Follow(400),
        ]);

        Assert.True(result.Queued[0] ^ result.Queued[4]);
        Assert.False(result.Queued[3]);
        Assert.Single(await TransactionsOfAsync([400, 401, 402]));
        Assert.Equal(new EdgeRecord(EdgeState.Active, T0), await _storage.Edges.GetAsync(EdgeDirection.Following, Owner, new UserId(400), Token));
        Assert.Equal(new EdgeRecord(EdgeState.Removed, T0.AddSeconds(1)), await _storage.Edges.GetAsync(EdgeDirection.Following, Owner, new UserId(401), Token));
        Assert.Equal(new EdgeRecord(EdgeState.Removed, T0), await _storage.Edges.GetAsync(EdgeDirection.Following, Owner, new UserId(402), Token));
        Assert.Equal(2, await _storage.Edges.GetCountAsync(EdgeDirection.Following, Owner, Token)); // 400 and the blocked write's 99
    }

    private Task<bool> Follow(int other) =>
        _storage.Edges.ApplyAsync(EdgeDirection.Following, Owner, new UserId(other), EdgeState.Active, T0, cancellationToken: Token);

    /// <summary>
    /// Holds a lock on the counts table so the shard's only flusher gets stuck committing one write, lets
    /// <paramref name="queue"/> issue more writes behind it, then releases the lock and collects every answer.
    /// </summary>
    private async Task<(bool Blocked, bool[] Queued, Exception? Failure)> WriteWhileCountsAreLockedAsync(Func<List<Task<bool>>> queue, int blockedOther = 99)
    {
        var database = _storage.Shards.All[0];
        await using var locker = new NpgsqlConnection(database.ConnectionString);
        await locker.OpenAsync(Token);
        await using var transaction = await locker.BeginTransactionAsync(Token);
        await using (var lockCounts = new NpgsqlCommand("LOCK TABLE edge_counts IN EXCLUSIVE MODE", locker, transaction))
        {
            await lockCounts.ExecuteNonQueryAsync(Token);
        }

        var blocked = Follow(blockedOther);
        await WaitForLockWaiterAsync(database.ConnectionString);
        var queued = queue();
        var stuck = !blocked.IsCompleted;
        await transaction.CommitAsync(Token);

        var answers = new List<bool>();
        Exception? failure = null;
        foreach (var write in queued)
        {
            try
            {
                answers.Add(await write);
            }
            catch (PostgresException exception)
            {
                failure = exception;
            }
        }

        return (stuck && await blocked, [.. answers], failure);
    }

    private static async Task WaitForLockWaiterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Token);
        await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'edge_counts'::regclass", connection);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while ((long)(await waiting.ExecuteScalarAsync(deadline.Token))! == 0)
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    private async Task<HashSet<long>> TransactionsOfAsync(IEnumerable<int> others)
    {
        await using var connection = new NpgsqlConnection(_storage.Shards.All[0].ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(
            "SELECT DISTINCT xmin::text::bigint FROM edges WHERE owner_id = $1 AND direction = 1 AND other_id = ANY($2)", connection);
        command.Parameters.Add(new() { Value = Owner.Value });
        command.Parameters.Add(new() { Value = others.Select(o => (long)o).ToArray() });
        var transactions = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(Token);
        while (await reader.ReadAsync(Token))
        {
            transactions.Add(reader.GetInt64(0));
        }

        return transactions;
    }
}
