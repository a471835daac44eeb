using System.Collections.Concurrent;
using System.Threading.Channels;

namespace RelationGraph.Tests.OrleansProviders.Grains;

/// <summary>A grain with one reminder, for testing Orleans' ADO.NET reminder service on RelationGraph's schema.</summary>
[Alias("RelationGraph.Tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithGuidKey
{
    /// <summary>Registers (or replaces) the reminder <see cref="ReminderProbeGrain.ReminderName"/>, first due after <paramref name="period"/>.</summary>
    [Alias("StartAsync")]
    Task StartAsync(TimeSpan period);

    /// <summary>Unregisters the reminder, if it exists.</summary>
    [Alias("StopAsync")]
    Task StopAsync();
}

/// <summary>Reports every tick to <see cref="ReminderTicks"/>, keyed by its own key, with the silo it ran on.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    /// <summary>The one reminder's name.</summary>
    public const string ReminderName = "probe";

    public async Task StartAsync(TimeSpan period) => await this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.For(this.GetPrimaryKey()).Writer.TryWrite(new ReminderTick(reminderName, GrainContext.Address.SiloAddress!, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

/// <summary>One reminder tick as the grain saw it.</summary>
public sealed record ReminderTick(string Name, SiloAddress Silo, DateTimeOffset At);

/// <summary>The ticks each <see cref="ReminderProbeGrain"/> received in this process (all test silos are in it), per grain key.</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<Guid, Channel<ReminderTick>> Ticks = new();

    /// <summary>The ticks of the grain keyed <paramref name="key"/>, in the order they arrived.</summary>
    public static Channel<ReminderTick> For(Guid key) => Ticks.GetOrAdd(key, _ => Channel.CreateUnbounded<ReminderTick>());

    /// <summary>Waits for the next tick of grain <paramref name="key"/> that matches <paramref name="predicate"/>, skipping others.</summary>
    public static async Task<ReminderTick> NextAsync(Guid key, Func<ReminderTick, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var tick in For(key).Reader.ReadAllAsync(deadline.Token))
            {
                if (predicate(tick))
                {
                    return tick;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Reminder probe {key} did not tick as expected within {timeout}.");
    }
}
