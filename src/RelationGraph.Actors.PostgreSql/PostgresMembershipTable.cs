using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Membership;

namespace RelationGraph.Actors.PostgreSql;

/// <summary>
/// The membership table in PostgreSQL: a version row per cluster and a row per silo incarnation. Inserts and
/// updates bump the version row with a conditional UPDATE in the same transaction, so a writer holding a stale
/// version changes nothing.
/// </summary>
public sealed class PostgresMembershipTable : IMembershipTable, IAsyncDisposable
{
    private const long SchemaLockKey = 0x52474D454D; // "RGMEM"

    private readonly PostgresClusteringOptions _options;
    private readonly string _clusterId;
    private readonly string _serviceId;

    /// <summary>Creates the table client for the configured cluster.</summary>
    public PostgresMembershipTable(IOptions<PostgresClusteringOptions> options, IOptions<SiloOptions> silo)
    {
        _options = options.Value;
        _clusterId = silo.Value.ClusterId;
        _serviceId = silo.Value.ServiceId;
    }

    private NpgsqlDataSource DataSource => _source ?? throw new InvalidOperationException("The membership table is not initialized.");

    private NpgsqlDataSource? _source;

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var connectionString = _options.ConnectionStringProvider is { } provider
            ? await provider(cancellationToken)
            : _options.ConnectionString ?? throw new InvalidOperationException("The PostgreSQL membership table needs a connection string.");
        _source ??= NpgsqlDataSource.Create(connectionString);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({SchemaLockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS membership_version (
                cluster_id text PRIMARY KEY,
                service_id text NOT NULL,
                version    bigint NOT NULL,
                changed_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS membership (
                cluster_id      text     NOT NULL REFERENCES membership_version (cluster_id),
                address         text     NOT NULL,
                port            integer  NOT NULL,
                generation      bigint   NOT NULL,
                silo_name       text     NOT NULL,
                gateway_port    integer  NOT NULL,
                status          smallint NOT NULL,
                start_time      timestamptz NOT NULL,
                i_am_alive_time timestamptz NOT NULL,
                suspect_votes   jsonb    NOT NULL DEFAULT '[]',
                etag            bigint   NOT NULL DEFAULT 0,
                PRIMARY KEY (cluster_id, address, port, generation));
            """, cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO membership_version (cluster_id, service_id, version) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = _clusterId });
            insert.Parameters.Add(new() { Value = _serviceId });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long version;
        await using (var select = new NpgsqlCommand("SELECT version FROM membership_version WHERE cluster_id = $1", connection, transaction))
        {
            select.Parameters.Add(new() { Value = _clusterId });
            version = await select.ExecuteScalarAsync(cancellationToken) as long?
                ?? throw new InvalidOperationException($"The membership table has no cluster '{_clusterId}'; initialize it first.");
        }

        var rows = new List<MembershipRow>();
        await using (var select = new NpgsqlCommand("""
            SELECT address, port, generation, silo_name, gateway_port, status, start_time, i_am_alive_time, suspect_votes::text, etag
            FROM membership WHERE cluster_id = $1 ORDER BY address, port, generation
            """, connection, transaction))
        {
            select.Parameters.Add(new() { Value = _clusterId });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = new MembershipEntry(
                    new SiloAddress(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)),
                    reader.GetString(3),
                    reader.GetInt32(4),
                    (SiloStatus)reader.GetInt16(5),
                    reader.GetFieldValue<DateTimeOffset>(6),
                    reader.GetFieldValue<DateTimeOffset>(7),
                    ReadVotes(reader.GetString(8)));
                rows.Add(new MembershipRow(entry, reader.GetInt64(9).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new MembershipTableSnapshot(version, rows);
    }

    /// <inheritdoc />
    public Task<bool> InsertRowAsync(MembershipEntry entry, long tableVersion, CancellationToken cancellationToken) =>
        ChangeAsync(tableVersion, """
            INSERT INTO membership (cluster_id, address, port, generation, silo_name, gateway_port, status, start_time, i_am_alive_time, suspect_votes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) ON CONFLICT DO NOTHING
            """, entry, etag: null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, long tableVersion, CancellationToken cancellationToken) =>
        ChangeAsync(tableVersion, """
            UPDATE membership SET silo_name = $5, gateway_port = $6, status = $7, start_time = $8, i_am_alive_time = $9,
                                  suspect_votes = $10::jsonb, etag = etag + 1
            WHERE cluster_id = $1 AND address = $2 AND port = $3 AND generation = $4 AND etag = $11
            """, entry, long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    /// <inheritdoc />
    public async Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            "UPDATE membership SET i_am_alive_time = $5 WHERE cluster_id = $1 AND address = $2 AND port = $3 AND generation = $4");
        AddKey(command, silo);
        command.Parameters.Add(new() { Value = at });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("DELETE FROM membership WHERE cluster_id = $1 AND status = $2 AND i_am_alive_time < $3");
        command.Parameters.Add(new() { Value = _clusterId });
        command.Parameters.Add(new() { Value = (short)SiloStatus.Dead });
        command.Parameters.Add(new() { Value = before });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task<bool> ChangeAsync(long tableVersion, string sql, MembershipEntry entry, long? etag, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var bump = new NpgsqlCommand(
            "UPDATE membership_version SET version = version + 1, changed_at = now() WHERE cluster_id = $1 AND version = $2", connection, transaction))
        {
            bump.Parameters.Add(new() { Value = _clusterId });
            bump.Parameters.Add(new() { Value = tableVersion });
            if (await bump.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await using (var change = new NpgsqlCommand(sql, connection, transaction))
        {
            AddKey(change, entry.Silo);
            change.Parameters.Add(new() { Value = entry.SiloName });
            change.Parameters.Add(new() { Value = entry.GatewayPort });
            change.Parameters.Add(new() { Value = (short)entry.Status });
            change.Parameters.Add(new() { Value = entry.StartTime.ToUniversalTime() });
            change.Parameters.Add(new() { Value = entry.IAmAliveTime.ToUniversalTime() });
            change.Parameters.Add(new() { Value = WriteVotes(entry.Suspicions) });
            if (etag is not null)
            {
                change.Parameters.Add(new() { Value = etag.Value });
            }

            if (await change.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private void AddKey(NpgsqlCommand command, SiloAddress silo)
    {
        command.Parameters.Add(new() { Value = _clusterId });
        command.Parameters.Add(new() { Value = silo.Host });
        command.Parameters.Add(new() { Value = silo.Port });
        command.Parameters.Add(new() { Value = silo.Generation });
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string WriteVotes(IReadOnlyList<SuspectVote> votes) =>
        JsonSerializer.Serialize(votes.Select(v => new StoredVote(v.Suspecter.Host, v.Suspecter.Port, v.Suspecter.Generation, v.At)));

    private static List<SuspectVote> ReadVotes(string json) =>
        (JsonSerializer.Deserialize<List<StoredVote>>(json) ?? [])
            .Select(v => new SuspectVote(new SiloAddress(v.Host, v.Port, v.Generation), v.At))
            .ToList();

    private sealed record StoredVote(string Host, int Port, long Generation, DateTimeOffset At);
}
