using System.Globalization;
using Npgsql;
using Orleans.Storage;
using RelationGraph.Tests.OrleansProviders.Grains;

namespace RelationGraph.Tests.OrleansProviders;

/// <summary>
/// Orleans' ADO.NET grain storage (<c>relationgraph</c>) on the project's own schema (<c>orleans_grain_state</c> and its
/// queries, from <c>Schema/Meta/004_orleans_grain_storage.sql</c>): state is written, read back by a new activation,
/// cleared, and refused when the writer's ETag is stale, which is what protects state against a duplicate activation.
/// </summary>
public sealed class GrainStorageTests(ProviderClusterFixture fixture) : IClassFixture<ProviderClusterFixture>
{
    [Fact]
    public async Task State_is_written_read_back_by_a_new_activation_and_cleared()
    {
        var key = fixture.NewKey();
        var grain = fixture.Cluster.Client.GetGrain<IStateProbeGrain>(key);

        var fresh = await grain.GetAsync();
        Assert.False(fresh.RecordExists);
        Assert.Null(fresh.Value);
        Assert.Null(await ReadRowAsync(key));

        var first = await grain.WriteAsync("one");
        Assert.True(first.RecordExists);
        Assert.NotNull(first.ETag);
        Assert.Equal(new StoredRow(int.Parse(first.ETag, CultureInfo.InvariantCulture), HasPayload: true), await ReadRowAsync(key));

        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(first, await grain.GetAsync());

        var second = await grain.WriteAsync("two");
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(new StoredRow(int.Parse(second.ETag!, CultureInfo.InvariantCulture), HasPayload: true), await ReadRowAsync(key));

        var cleared = await grain.ClearAsync();
        Assert.False(cleared.RecordExists);
        Assert.Null(cleared.Value);
        // The row stays (DeleteStateOnClear is off), without state, at a new version.
        var row = await ReadRowAsync(key);
        Assert.False(row?.HasPayload);
        Assert.True(row!.Version > int.Parse(second.ETag!, CultureInfo.InvariantCulture));

        await fixture.Cluster.DeactivateAsync(grain);
        var afterClear = await grain.GetAsync();
        Assert.False(afterClear.RecordExists);
        Assert.Null(afterClear.Value);

        var again = await grain.WriteAsync("three");
        Assert.Equal("three", again.Value);
        Assert.Equal(new StoredRow(int.Parse(again.ETag!, CultureInfo.InvariantCulture), HasPayload: true), await ReadRowAsync(key));
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(again, await grain.GetAsync());
    }

    [Fact]
    public async Task A_write_with_a_stale_ETag_is_refused_and_the_newer_state_kept()
    {
        var key = fixture.NewKey();
        var grain = fixture.Cluster.Client.GetGrain<IStateProbeGrain>(key);
        var rival = fixture.Cluster.Client.GetGrain<IRivalStateProbeGrain>(key);

        var first = await grain.WriteAsync("first");
        // The other grain type reads the very same row: same service, state name and key.
        Assert.Equal(first, await rival.GetAsync());
        var overwritten = await rival.WriteAsync("rival");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.WriteAsync("lost"));

        Assert.Equal(overwritten, await rival.ReloadAsync());
        Assert.Equal(new StoredRow(int.Parse(overwritten.ETag!, CultureInfo.InvariantCulture), HasPayload: true), await ReadRowAsync(key));
        // Having reread, the loser writes on top of the winner.
        var reloaded = await grain.ReloadAsync();
        Assert.Equal(("rival", nameof(RivalStateProbeGrain)), (reloaded.Value, reloaded.WrittenBy));
        Assert.Equal("after", (await grain.WriteAsync("after")).Value);
    }

    [Fact]
    public async Task Two_activations_creating_the_same_record_let_only_the_first_in()
    {
        var key = fixture.NewKey();
        var grain = fixture.Cluster.Client.GetGrain<IStateProbeGrain>(key);
        var rival = fixture.Cluster.Client.GetGrain<IRivalStateProbeGrain>(key);

        // Both activate while no record exists, so neither has an ETag.
        Assert.False((await grain.GetAsync()).RecordExists);
        Assert.False((await rival.GetAsync()).RecordExists);
        var created = await rival.WriteAsync("rival");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.WriteAsync("second creator"));

        Assert.Equal(created, await rival.ReloadAsync());
    }

    [Fact]
    public async Task A_clear_with_a_stale_ETag_is_refused()
    {
        var key = fixture.NewKey();
        var grain = fixture.Cluster.Client.GetGrain<IStateProbeGrain>(key);
        var written = await grain.WriteAsync("kept");

        // Another writer moves the row on behind the grain's back.
        await using (var connection = new NpgsqlConnection(fixture.MetaConnectionString))
        {
            await connection.OpenAsync(Token);
            await using var command = new NpgsqlCommand(
                "UPDATE orleans_grain_state SET version = version + 1 WHERE service_id = @service AND state_name = @state AND grain_id_n1 = @key",
                connection);
            command.Parameters.AddWithValue("service", fixture.Cluster.Options.ServiceId);
            command.Parameters.AddWithValue("state", StateProbe.StateName);
            command.Parameters.AddWithValue("key", key);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Token));
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.ClearAsync());

        Assert.Equal(new StoredRow(int.Parse(written.ETag!, CultureInfo.InvariantCulture) + 1, HasPayload: true), await ReadRowAsync(key));
        Assert.Equal("kept", (await grain.ReloadAsync()).Value);
    }

    /// <summary>The state probe row of <paramref name="key"/>: its version (the ETag) and whether it holds state; null when there is none.</summary>
    private async Task<StoredRow?> ReadRowAsync(long key)
    {
        await using var connection = new NpgsqlConnection(fixture.MetaConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(
            """
            SELECT version, payload IS NOT NULL FROM orleans_grain_state
            WHERE service_id = @service AND state_name = @state AND grain_id_n0 = 0 AND grain_id_n1 = @key AND grain_id_extension IS NULL
            """,
            connection);
        command.Parameters.AddWithValue("service", fixture.Cluster.Options.ServiceId);
        command.Parameters.AddWithValue("state", StateProbe.StateName);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(Token);
        return await reader.ReadAsync(Token) ? new StoredRow(reader.GetInt32(0), reader.GetBoolean(1)) : null;
    }

    private sealed record StoredRow(int Version, bool HasPayload);

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
