using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using RelationGraph.Grains;

namespace RelationGraph.Silo.Dashboard;

/// <summary>
/// What the dashboard charts, read from the same meters <c>/metrics</c> serves: this silo's fan landing lag (p50/p99 per
/// second over the last <see cref="DashboardOptions.ChartPoints"/> seconds) and Npgsql's statement latency and pool use
/// per database.
/// </summary>
internal sealed class DashboardMetrics : BackgroundService
{
    private const string NpgsqlMeter = "Npgsql";
    private const int LatenciesKept = 2_000;

    private readonly MeterListener _listener = new();
    private readonly int _points;
    private readonly ConcurrentQueue<double> _landings = new();
    private readonly ConcurrentQueue<double[]> _lagP50 = new();
    private readonly ConcurrentQueue<double[]> _lagP99 = new();
    private readonly ConcurrentQueue<double[]> _landed = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _statementMs = new();
    private readonly ConcurrentDictionary<(string Pool, string State), long> _connections = new();
    private readonly ConcurrentDictionary<string, long> _maxConnections = new();

    public DashboardMetrics(IOptions<DashboardOptions> options)
    {
        _points = Math.Max(2, options.Value.ChartPoints);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((instrument.Meter.Name == FanMetrics.MeterName && instrument.Name == FanMetrics.LandingLag)
                || (instrument.Meter.Name == NpgsqlMeter && instrument.Name is "db.client.operation.duration" or "db.client.connection.count" or "db.client.connection.max"))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) =>
        {
            if (instrument.Name == FanMetrics.LandingLag)
            {
                _landings.Enqueue(value);
            }
            else
            {
                var latencies = _statementMs.GetOrAdd(DatabaseOf(tags), _ => new ConcurrentQueue<double>());
                latencies.Enqueue(value * 1000);
                while (latencies.Count > LatenciesKept && latencies.TryDequeue(out _))
                {
                }
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The lag chart: p50 and p99 of the fan rows this silo landed in each second, in milliseconds.</summary>
    public DashboardChart LandingLag => new("Landing lag on this silo (p50/p99 per second)", "ms", new Dictionary<string, IReadOnlyList<double[]>>
    {
        ["p50"] = [.. _lagP50],
        ["p99"] = [.. _lagP99],
    });

    /// <summary>Fan rows this silo landed per second.</summary>
    public DashboardChart Landed => new("Fan rows landed on this silo per second", "rows/s", new Dictionary<string, IReadOnlyList<double[]>> { ["landed"] = [.. _landed] });

    /// <summary>The p99 of this silo's recent statements on <paramref name="database"/>, in milliseconds; null before any.</summary>
    public double? StatementP99(string database) =>
        _statementMs.TryGetValue(database, out var latencies) && latencies.ToArray() is { Length: > 0 } all ? Percentile(all, 0.99) : null;

    /// <summary>This silo's connections to <paramref name="database"/>: in use, and the pool's maximum.</summary>
    public (long Used, long Idle, long Max) PoolUse(string database)
    {
        _listener.RecordObservableInstruments();
        return (_connections.GetValueOrDefault((database, "used")), _connections.GetValueOrDefault((database, "idle")), _maxConnections.GetValueOrDefault(database));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var second = new List<double>();
            while (_landings.TryDequeue(out var lag))
            {
                second.Add(lag);
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Append(_landed, [now, second.Count]);
            if (second.Count > 0)
            {
                var all = second.ToArray();
                Append(_lagP50, [now, Percentile(all, 0.5)]);
                Append(_lagP99, [now, Percentile(all, 0.99)]);
            }
        }
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var database = DatabaseOf(tags);
        if (instrument.Name == "db.client.connection.max")
        {
            _maxConnections[database] = value;
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == "db.client.connection.state" && tag.Value is string state)
            {
                _connections[(database, state)] = value;
            }
        }
    }

    private void Append(ConcurrentQueue<double[]> series, double[] point)
    {
        series.Enqueue(point);
        while (series.Count > _points && series.TryDequeue(out _))
        {
        }
    }

    private static double Percentile(double[] values, double quantile)
    {
        Array.Sort(values);
        return values[Math.Clamp((int)Math.Ceiling(quantile * values.Length) - 1, 0, values.Length - 1)];
    }

    /// <summary>Npgsql names a pool by its connection string (without the password); the dashboard goes by database.</summary>
    private static string DatabaseOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "db.client.connection.pool.name" && tag.Value is string pool)
            {
                try
                {
                    return new NpgsqlConnectionStringBuilder(pool).Database ?? pool;
                }
                catch (ArgumentException)
                {
                    return pool;
                }
            }
        }

        return "";
    }
}
