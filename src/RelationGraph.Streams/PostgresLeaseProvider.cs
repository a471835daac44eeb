using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.LeaseProviders;
using Orleans.Runtime;
using RelationGraph.Persistence;

namespace RelationGraph.Streams;

/// <summary>
/// Orleans' <see cref="ILeaseProvider"/> on the meta database's <c>stream_queue_leases</c> table, for the lease-based queue
/// balancer: each silo takes its share of the stream queues (queues / silos, the remainder going to the first silos) and
/// holds each through a lease, so a queue is pulled by one silo and the queues spread evenly however few there are. The
/// database's clock decides expiry, so silos' clocks need not agree. A silo that starts again at the address of one that
/// died takes over that one's leases at once; other silos take them over when they run out.
/// </summary>
public sealed class PostgresLeaseProvider : ILeaseProvider, IAsyncDisposable
{
    private readonly NpgsqlDataSource _meta;
    private readonly string _owner;

    /// <summary>Leases held for <paramref name="silo"/> in the meta database of <paramref name="storage"/>.</summary>
    public PostgresLeaseProvider(IOptions<StorageOptions> storage, ILocalSiloDetails silo)
        : this(storage.Value.RequireConnectionString(), silo.SiloAddress)
    {
    }

    /// <summary>Leases held for <paramref name="owner"/> in the meta database at <paramref name="metaConnectionString"/>.</summary>
    public PostgresLeaseProvider(string metaConnectionString, SiloAddress owner)
    {
        _meta = NpgsqlDataSource.Create(metaConnectionString);
        _owner = owner.ToParsableString();
    }

    /// <inheritdoc />
    public async Task<AcquireLeaseResult[]> Acquire(string category, LeaseRequest[] leaseRequests)
    {
        try
        {
            // A lease is free when it ran out, or when its holder was this silo's address in an earlier life.
            await using var command = _meta.CreateCommand("""
                INSERT INTO stream_queue_leases AS lease (category, resource_key, owner, token, expires_at)
                SELECT $1, request.resource_key, $2, gen_random_uuid(), now() + request.duration
                FROM unnest($3::text[], $4::interval[]) AS request (resource_key, duration)
                ON CONFLICT (category, resource_key) DO UPDATE
                    SET owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at
                    WHERE lease.expires_at <= now() OR split_part(lease.owner, '@', 1) = split_part(excluded.owner, '@', 1)
                RETURNING resource_key, token, now()
                """);
            command.Parameters.Add(new() { Value = category });
            command.Parameters.Add(new() { Value = _owner });
            command.Parameters.Add(new() { Value = leaseRequests.Select(r => r.ResourceKey).ToArray() });
            command.Parameters.Add(new() { Value = leaseRequests.Select(r => r.Duration).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Interval });
            var acquired = await ReadLeasesAsync(command);
            return [.. leaseRequests.Select(request => acquired.TryGetValue(request.ResourceKey, out var lease)
                ? new AcquireLeaseResult(new AcquiredLease(request.ResourceKey, request.Duration, lease.Token, lease.Now), ResponseCode.OK, null)
                : new AcquireLeaseResult(new AcquiredLease(request.ResourceKey), ResponseCode.LeaseNotAvailable, null))];
        }
        catch (NpgsqlException exception)
        {
            return [.. leaseRequests.Select(request => new AcquireLeaseResult(new AcquiredLease(request.ResourceKey), ResponseCode.TransientFailure, exception))];
        }
    }

    /// <inheritdoc />
    /// <remarks>The parameter keeps the spelling of <see cref="ILeaseProvider"/>'s declaration.</remarks>
    public async Task<AcquireLeaseResult[]> Renew(string category, AcquiredLease[] aquiredLeases)
    {
        try
        {
            // A lease whose token still matches has had no other holder, so it is renewed even if it ran out meanwhile.
            await using var command = _meta.CreateCommand("""
                UPDATE stream_queue_leases AS lease SET expires_at = now() + held.duration
                FROM unnest($2::text[], $3::uuid[], $4::interval[]) AS held (resource_key, token, duration)
                WHERE lease.category = $1 AND lease.resource_key = held.resource_key AND lease.token = held.token
                RETURNING lease.resource_key, lease.token, now()
                """);
            command.Parameters.Add(new() { Value = category });
            AddHeld(command, aquiredLeases);
            command.Parameters.Add(new() { Value = aquiredLeases.Select(l => l.Duration).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Interval });
            var renewed = await ReadLeasesAsync(command);
            return [.. aquiredLeases.Select(held => renewed.TryGetValue(held.ResourceKey, out var lease)
                ? new AcquireLeaseResult(new AcquiredLease(held.ResourceKey, held.Duration, lease.Token, lease.Now), ResponseCode.OK, null)
                : new AcquireLeaseResult(new AcquiredLease(held.ResourceKey), ResponseCode.InvalidToken, null))];
        }
        catch (NpgsqlException exception)
        {
            return [.. aquiredLeases.Select(held => new AcquireLeaseResult(new AcquiredLease(held.ResourceKey), ResponseCode.TransientFailure, exception))];
        }
    }

    /// <inheritdoc />
    /// <remarks>A release the database does not take leaves the leases to run out, as a dead silo's do.</remarks>
    public async Task Release(string category, AcquiredLease[] aquiredLeases)
    {
        try
        {
            await using var command = _meta.CreateCommand("""
                DELETE FROM stream_queue_leases AS lease
                USING unnest($2::text[], $3::uuid[]) AS held (resource_key, token)
                WHERE lease.category = $1 AND lease.resource_key = held.resource_key AND lease.token = held.token
                """);
            command.Parameters.Add(new() { Value = category });
            AddHeld(command, aquiredLeases);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
        }
    }

    /// <summary>The holder of each lease of <paramref name="category"/> that has not run out, by resource key.</summary>
    public async Task<IReadOnlyDictionary<string, SiloAddress>> HoldersAsync(string category, CancellationToken cancellationToken)
    {
        await using var command = _meta.CreateCommand("SELECT resource_key, owner FROM stream_queue_leases WHERE category = $1 AND expires_at > now()");
        command.Parameters.Add(new() { Value = category });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var holders = new Dictionary<string, SiloAddress>();
        while (await reader.ReadAsync(cancellationToken))
        {
            holders[reader.GetString(0)] = SiloAddress.FromParsableString(reader.GetString(1));
        }

        return holders;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _meta.DisposeAsync();

    private static void AddHeld(NpgsqlCommand command, AcquiredLease[] leases)
    {
        command.Parameters.Add(new() { Value = leases.Select(l => l.ResourceKey).ToArray() });
        command.Parameters.Add(new() { Value = leases.Select(l => Guid.TryParse(l.Token, out var token) ? token : Guid.Empty).ToArray() });
    }

    private static async Task<Dictionary<string, (string Token, DateTime Now)>> ReadLeasesAsync(NpgsqlCommand command)
    {
        var leases = new Dictionary<string, (string, DateTime)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            leases[reader.GetString(0)] = (reader.GetGuid(1).ToString(), reader.GetDateTime(2));
        }

        return leases;
    }
}
