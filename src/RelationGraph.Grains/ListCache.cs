using RelationGraph.Abstractions;

namespace RelationGraph.Grains;

/// <summary>
/// One grain's cached pages and count of the list it owns. Grains run one turn at a time, so a load and the
/// invalidation of a write never interleave: what is cached is what the database held after the grain's last write.
/// </summary>
internal sealed class ListCache(ListCacheOptions options, TimeProvider time)
{
    private readonly Dictionary<(string? Cursor, int Limit), Cached<EdgePage>> _pages = [];
    private Cached<long>? _count;

    public async Task<EdgePage> GetPageAsync(PageRequest page, Func<PageRequest, Task<EdgePage>> load)
    {
        var key = (page.Cursor, page.Limit);
        if (_pages.TryGetValue(key, out var cached) && IsFresh(cached.At))
        {
            return cached.Value;
        }

        var loaded = await load(page);
        if (options.TimeToLive > TimeSpan.Zero)
        {
            if (_pages.Count >= options.MaxPages && !_pages.ContainsKey(key))
            {
                _pages.Clear();
            }

            _pages[key] = new(loaded, time.GetTimestamp());
        }

        return loaded;
    }

    public async Task<long> GetCountAsync(Func<Task<long>> load)
    {
        if (_count is { } cached && IsFresh(cached.At))
        {
            return cached.Value;
        }

        var loaded = await load();
        _count = options.TimeToLive > TimeSpan.Zero ? new(loaded, time.GetTimestamp()) : null;
        return loaded;
    }

    /// <summary>Forgets everything; called before the grain writes its list.</summary>
    public void Invalidate()
    {
        _pages.Clear();
        _count = null;
    }

    private bool IsFresh(long at) => time.GetElapsedTime(at) < options.TimeToLive;

    private readonly record struct Cached<T>(T Value, long At);
}
