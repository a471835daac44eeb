using System.Globalization;
using Npgsql;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// A fault that comes through the data: a trigger on one shard's table that makes some row writes fail (or wait, or be
/// skipped), counting every time it fires in a sequence (which no rollback undoes). The service sees exactly what a
/// failing database would show it. Dispose (or <see cref="ClearAsync"/>) drops the trigger, clearing the fault.
/// </summary>
internal sealed class ShardFault : IAsyncDisposable
{
    private static int _next;
    private readonly Shard _shard;
    private readonly string _name;
    private readonly string _table;
    private bool _cleared;

    private ShardFault(Shard shard, string name, string table)
    {
        _shard = shard;
        _name = name;
        _table = table;
    }

    /// <summary>
    /// Makes the first <paramref name="times"/> writes of rows of <c>fans</c> matching <paramref name="when"/> (a condition
    /// on <c>NEW</c>) fail with an error, as a failing subscriber would; null: every write, until cleared.
    /// </summary>
    public static Task<ShardFault> FailFanWritesAsync(Shard shard, string when, long? times, CancellationToken cancellationToken) =>
        CreateAsync(shard, "fans", "BEFORE INSERT OR UPDATE", when, fired => $"""
            IF {fired} <= {Limit(times)} THEN
                RAISE EXCEPTION 'injected fan write fault % (%)', TG_NAME, {fired};
            END IF;
            RETURN NEW;
            """, cancellationToken);

    /// <summary>
    /// Makes writes of rows of <c>fans</c> matching <paramref name="when"/> wait for advisory lock <paramref name="lockKey"/>,
    /// which a test holds to stall them (<see cref="HoldLockAsync"/>).
    /// </summary>
    public static Task<ShardFault> StallFanWritesAsync(Shard shard, string when, long lockKey, CancellationToken cancellationToken) =>
        CreateAsync(shard, "fans", "BEFORE INSERT OR UPDATE", when, _ => $"""
            PERFORM pg_advisory_xact_lock_shared({lockKey.ToString(CultureInfo.InvariantCulture)});
            RETURN NEW;
            """, cancellationToken);

    /// <summary>
    /// Makes the first <paramref name="times"/> deletes of <c>stream_events</c> rows matching <paramref name="when"/> (a
    /// condition on <c>OLD</c>) silently do nothing: a delivery confirmation that is lost.
    /// </summary>
    public static Task<ShardFault> LoseConfirmationsAsync(Shard shard, string when, long times, CancellationToken cancellationToken) =>
        CreateAsync(shard, "stream_events", "BEFORE DELETE", when, fired => $"""
            IF {fired} <= {Limit(times)} THEN
                RETURN NULL;
            END IF;
            RETURN OLD;
            """, cancellationToken);

    /// <summary>
    /// Holds advisory lock <paramref name="lockKey"/> on <paramref name="shard"/> until the returned connection is disposed
    /// (an unpooled one: a pooled session would keep the lock after it is returned to the pool).
    /// </summary>
    public static async Task<NpgsqlConnection> HoldLockAsync(Shard shard, long lockKey, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(shard.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({lockKey.ToString(CultureInfo.InvariantCulture)})", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>How many times the trigger has fired.</summary>
    public async Task<long> FiredAsync(CancellationToken cancellationToken) =>
        await _shard.ScalarAsync<bool>($"SELECT is_called FROM {_name}_fired", cancellationToken)
            ? await _shard.ScalarAsync<long>($"SELECT last_value FROM {_name}_fired", cancellationToken)
            : 0;

    /// <summary>Drops the trigger: the fault is over.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        if (!_cleared)
        {
            await _shard.ExecuteAsync($"DROP TRIGGER IF EXISTS {_name} ON {_table}", cancellationToken);
            _cleared = true;
        }
    }

    public async ValueTask DisposeAsync() => await ClearAsync(CancellationToken.None);

    private static async Task<ShardFault> CreateAsync(
        Shard shard, string table, string timing, string when, Func<string, string> body, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"rg_test_fault_{Environment.ProcessId}_{Interlocked.Increment(ref _next)}");
        await shard.ExecuteAsync($"""
            CREATE SEQUENCE {name}_fired;
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                fired bigint := nextval('{name}_fired');
            BEGIN
                {body("fired")}
            END
            $$;
            CREATE TRIGGER {name} {timing} ON {table} FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}();
            """, cancellationToken);
        return new ShardFault(shard, name, table);
    }

    private static string Limit(long? times) => (times ?? long.MaxValue).ToString(CultureInfo.InvariantCulture);
}
