using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Abstractions;

namespace RelationGraph.Persistence.Outbox;

/// <summary>
/// Makes producers wait while the queue they would append to is deeper than <see cref="StreamOptions.MaxQueueDepth"/>,
/// so a slow consumer slows producers instead of letting the queue grow without limit.
/// </summary>
public sealed class StreamBackPressure(IOptions<StreamOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(500);
    private readonly ConcurrentDictionary<(NpgsqlDataSource, int), (long Depth, DateTimeOffset At)> _depths = new();

    /// <summary>Returns once the queue of <paramref name="streamEvent"/> has room; throws <see cref="OverloadedException"/> after waiting too long.</summary>
    public async ValueTask WaitForRoomAsync(NpgsqlDataSource dataSource, StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var queue = StreamQueue.QueueOf(streamEvent, settings.QueuesPerDatabase);
        var deadline = time.GetUtcNow() + settings.MaxBackPressureWait;
        while (await DepthAsync(dataSource, queue, cancellationToken) > settings.MaxQueueDepth)
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new OverloadedException($"Stream queue {queue} has more than {settings.MaxQueueDepth} events waiting; try again later.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            _depths.TryRemove((dataSource, queue), out _);
        }
    }

    private async ValueTask<long> DepthAsync(NpgsqlDataSource dataSource, int queue, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_depths.TryGetValue((dataSource, queue), out var cached) && now - cached.At < Freshness)
        {
            return cached.Depth;
        }

        var depth = await StreamQueue.EstimateDepthAsync(dataSource, queue, options.Value.MaxQueueDepth, cancellationToken);
        _depths[(dataSource, queue)] = (depth, now);
        return depth;
    }
}
