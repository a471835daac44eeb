using System.Diagnostics;

namespace RelationGraph.Benchmarks;

/// <summary>Runs a call in a loop from N concurrent callers for a fixed time and records each call's latency.</summary>
internal static class LatencyRecorder
{
    /// <summary>One round of <paramref name="call"/>, summarized.</summary>
    public static async Task<Measurement> MeasureAsync(string name, int concurrency, TimeSpan duration, Func<long, Task> call, CancellationToken cancellationToken)
    {
        var stats = new LatencyStats();
        stats.Add(await RunAsync(concurrency, duration, async (key, _) =>
        {
            await call(key);
            return 0;
        }, cancellationToken));
        var summary = stats.Summarize(0);
        return new Measurement(name, concurrency, summary.Count, summary.PerSecond, summary.P50, summary.P99);
    }

    /// <summary>
    /// One round: a warm-up call per caller (connections, activations, JIT), then <paramref name="concurrency"/> callers
    /// call in a loop until <paramref name="duration"/> has passed. Caller <c>w</c> passes keys <c>w</c>, <c>w + concurrency</c>, ...;
    /// <paramref name="call"/> answers the lane its latency is recorded in (say 0 for reads, 1 for writes).
    /// </summary>
    public static async Task<RoundSamples> RunAsync(int concurrency, TimeSpan duration, Func<long, CancellationToken, Task<int>> call, CancellationToken cancellationToken)
    {
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => call(i, cancellationToken)));
        var samples = new List<(int Lane, double Milliseconds)>[concurrency];
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            // Room for a million samples a round, so the lists do not grow (allocate, copy) while measuring.
            var mine = samples[worker] = new List<(int, double)>(Math.Max(1024, 1_000_000 / concurrency));
            var key = (long)worker;
            while (Stopwatch.GetTimestamp() < stopAt && !cancellationToken.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                var lane = await call(key, cancellationToken);
                mine.Add((lane, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                key += concurrency;
            }
        }, cancellationToken)));
        cancellationToken.ThrowIfCancellationRequested();
        return new RoundSamples(clock.Elapsed, samples.SelectMany(s => s).ToList());
    }
}

/// <summary>What one round recorded: its wall-clock time and every call's lane and latency.</summary>
internal sealed record RoundSamples(TimeSpan Elapsed, IReadOnlyList<(int Lane, double Milliseconds)> Samples);

/// <summary>One scenario's result.</summary>
internal sealed record Measurement(string Name, int Concurrency, long Calls, double CallsPerSecond, double P50Milliseconds, double P99Milliseconds);
