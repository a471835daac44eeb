using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;

namespace RelationGraph.Grains;

/// <summary>
/// The bytes of list pages that all user grains of this silo hold in their caches, against
/// <see cref="ListCacheOptions.MaxBytes"/>: a page that does not fit is served without being kept, so the caches stay within
/// the bound however many users are active. Sizes are estimates of the pages' managed objects. Instrument:
/// <c>relationgraph.list_cache.bytes</c> on the meter <c>RelationGraph.ListCache</c>.
/// </summary>
public sealed class ListCacheBudget : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "RelationGraph.ListCache";

    private readonly long _max;
    private readonly Meter _meter;
    private long _bytes;

    /// <summary>Creates the budget and its instrument.</summary>
    public ListCacheBudget(IOptions<ListCacheOptions> options, IMeterFactory meterFactory)
    {
        _max = options.Value.MaxBytes;
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("relationgraph.list_cache.bytes", () => Bytes, "By", "Bytes of list pages held by this silo's user grain caches.");
    }

    /// <summary>The bytes held now.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The estimated managed size of <paramref name="page"/> kept in a cache: the page, its list and entries, its cursor.</summary>
    public static long SizeOf(EdgePage page) => 160 + (page.Items.Count * 48L) + (2L * (page.NextCursor?.Length ?? 0));

    /// <summary>Takes <paramref name="bytes"/> from the budget; false, taking nothing, when they do not fit.</summary>
    public bool TryReserve(long bytes)
    {
        var current = Volatile.Read(ref _bytes);
        while (true)
        {
            if (current + bytes > _max)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _bytes, current + bytes, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Gives <paramref name="bytes"/> back.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _bytes, -bytes);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
