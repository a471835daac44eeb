using System.Net;
using Npgsql;
using Orleans.Runtime;

namespace RelationGraph.Testing;

/// <summary>One row of Orleans' membership table (<c>orleans_membership</c> on the meta database): one silo incarnation.</summary>
/// <param name="Silo">Its address, generation included.</param>
/// <param name="Name">Its silo name.</param>
/// <param name="Status">Its status as the cluster last agreed it.</param>
/// <param name="ProxyPort">Its gateway port; 0 when it is no gateway.</param>
/// <param name="SuspectTimes">
/// The suspicion votes against it in Orleans' encoding (<c>silo,time</c>), empty when none. A silo that marks itself dead
/// (a graceful stop, or an in-process kill) adds itself to the list; only a crashed or unreachable silo has others' votes.
/// </param>
/// <param name="StartTime">When it started.</param>
/// <param name="IAmAliveTime">When it last wrote that it was alive.</param>
public sealed record MembershipRow(SiloAddress Silo, string Name, SiloStatus Status, int ProxyPort, IReadOnlyList<string> SuspectTimes, DateTimeOffset StartTime, DateTimeOffset IAmAliveTime)
{
    /// <summary>The silos in <see cref="SuspectTimes"/>: who voted it dead (itself, when it declared itself dead).</summary>
    public IReadOnlyList<SiloAddress> Voters => [.. SuspectTimes.Select(vote => SiloAddress.FromParsableString(vote[..vote.IndexOf(',', StringComparison.Ordinal)]))];

    /// <inheritdoc />
    public override string ToString() => $"{Silo} {Name} {Status} [{string.Join(" | ", SuspectTimes)}]";
}

/// <summary>Reads Orleans' membership table straight from the meta database, as RelationGraph's migration lays it out.</summary>
public static class MembershipRows
{
    /// <summary>Every row of cluster <paramref name="clusterId"/>, dead silos included, oldest first.</summary>
    public static async Task<IReadOnlyList<MembershipRow>> ReadAsync(string metaConnectionString, string clusterId, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(metaConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT address, port, generation, silo_name, status, proxy_port, suspect_times, start_time, i_am_alive_time
            FROM orleans_membership WHERE cluster_id = @cluster ORDER BY start_time, generation
            """,
            connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<MembershipRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var votes = reader.IsDBNull(6) ? "" : reader.GetString(6);
            rows.Add(new MembershipRow(
                SiloAddress.New(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1), reader.GetInt32(2)),
                reader.GetString(3),
                (SiloStatus)reader.GetInt32(4),
                reader.GetInt32(5),
                votes.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return rows;
    }

    /// <summary>The row of <paramref name="silo"/> (this very incarnation), or null.</summary>
    public static async Task<MembershipRow?> ReadAsync(string metaConnectionString, string clusterId, SiloAddress silo, CancellationToken cancellationToken = default) =>
        (await ReadAsync(metaConnectionString, clusterId, cancellationToken)).SingleOrDefault(r => r.Silo.Equals(silo));
}
