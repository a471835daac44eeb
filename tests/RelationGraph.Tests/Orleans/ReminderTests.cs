using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.OrleansProviders.Grains;

namespace RelationGraph.Tests.OrleansProviders;

/// <summary>
/// Orleans' ADO.NET reminder service on the project's own schema (<c>orleans_reminders</c> and its queries, from
/// <c>Schema/Meta/003_orleans_reminders.sql</c>): a reminder is persisted, and keeps firing after every silo that knew it
/// has been restarted, from its row alone. Its own two-silo cluster, since it restarts silos.
/// </summary>
public sealed class ReminderTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TickDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_reminder_fires_again_from_its_row_after_every_silo_restarted()
    {
        var meta = postgres.NewDatabase("reminders");
        var builder = new TestClusterBuilder(2).AddRelationGraph(meta, new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync" });
        builder.AddSiloBuilderConfigurator<DefaultFailureDetection>();
        builder.AddSiloBuilderConfigurator<FastReminders>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync(Token);
        var key = Guid.NewGuid();
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>(key);

        await grain.StartAsync(Period);
        var first = await ReminderTicks.NextAsync(key, _ => true, TickDeadline, Token);

        Assert.Equal(ReminderProbeGrain.ReminderName, first.Name);
        var row = await ReadRowAsync(meta, cluster, grain);
        Assert.Equal((long)Period.TotalMilliseconds, row?.PeriodMilliseconds);

        // Restart the silo the grain ticked on, then the other: no silo that held the reminder in memory is left, so the
        // next tick can only come from the row.
        var originals = cluster.Silos.Select(s => s.SiloAddress).ToList();
        await cluster.RestartSiloAsync(cluster.Silos.Single(s => s.SiloAddress.Equals(first.Silo)));
        await cluster.RestartSiloAsync(cluster.Silos.Single(s => originals.Contains(s.SiloAddress)));
        var restarted = DateTimeOffset.UtcNow;
        Assert.DoesNotContain(cluster.Silos, s => originals.Contains(s.SiloAddress));

        var afterRestart = await ReminderTicks.NextAsync(key, t => t.At > restarted, TickDeadline, Token);

        Assert.Contains(afterRestart.Silo, cluster.Silos.Select(s => s.SiloAddress));
        Assert.Equal(row, await ReadRowAsync(meta, cluster, grain));

        await grain.StopAsync();
        Assert.Null(await ReadRowAsync(meta, cluster, grain));
    }

    /// <summary>The reminder's row: its period and version; null when there is none.</summary>
    private static async Task<ReminderRow?> ReadRowAsync(string meta, TestCluster cluster, IReminderProbeGrain grain)
    {
        await using var connection = new NpgsqlConnection(meta);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(
            "SELECT period, version FROM orleans_reminders WHERE service_id = @service AND grain_id = @grain AND reminder_name = @name",
            connection);
        command.Parameters.AddWithValue("service", cluster.Options.ServiceId);
        command.Parameters.AddWithValue("grain", grain.GetGrainId().ToString());
        command.Parameters.AddWithValue("name", ReminderProbeGrain.ReminderName);
        await using var reader = await command.ExecuteReaderAsync(Token);
        return await reader.ReadAsync(Token) ? new ReminderRow(reader.GetInt64(0), reader.GetInt32(1)) : null;
    }

    private sealed record ReminderRow(long PeriodMilliseconds, int Version);

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}

/// <summary>Lets test grains register reminders firing every second (Orleans' minimum is a minute by default).</summary>
public sealed class FastReminders : ISiloConfigurator
{
    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder) =>
        siloBuilder.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
}
