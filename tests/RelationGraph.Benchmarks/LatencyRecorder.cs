using System.Diagnostics;

namespace RelationGraph.Benchmarks;

/// <summary>Runs a call in a loop from N concurrent callers for a fixed time and summarizes throughput and latency.</summary>
internal static class LatencyRecorder
{
    public static async Task<Measurement> MeasureAsync(string name, int concurrency, TimeSpan duration, Func<long, Task> call)
    {
        // Warm up connections, activations and JIT before measuring.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => call(i)));
        var samples = new List<double>[concurrency];
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = samples[worker] = new List<double>(100_000);
            var key = (long)worker;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                await call(key);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                key += concurrency;
            }
        })));
        var elapsed = clock.Elapsed;
        var all = samples.SelectMany(s => s).Order().ToArray();
        return new Measurement(name, concurrency, all.Length, all.Length / elapsed.TotalSeconds, Percentiles.Of(all, 0.50), Percentiles.Of(all, 0.99));
    }
}

/// <summary>One scenario's result.</summary>
internal sealed record Measurement(string Name, int Concurrency, long Calls, double CallsPerSecond, double P50Milliseconds, double P99Milliseconds);
