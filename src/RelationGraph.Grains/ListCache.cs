using RelationGraph.Abstractions;

namespace RelationGraph.Grains;

/// <summary>
/// One grain's cached pages and count of the list it owns. Reads interleave with each other and with the grain's
/// writes, so a load caches its result only when no write began or ended while it ran: the grain invalidates before
/// it writes and again after the write committed (<see cref="WriteAsync{T}"/>), and a load that saw either keeps its
/// answer to itself. With <see cref="ErasedUsers"/>, pages leave out users being deleted, and a count cached before a
/// deletion's walk finished is not served once the silo has heard of it.
/// </summary>
internal sealed class ListCache(ListCacheOptions options, ListCacheBudget budget, TimeProvider time, ErasedUsers? erased = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string? Cursor, int Limit), Cached<EdgePage>> _pages = [];
    private Cached<long>? _count;
    private long _version;
    private long _reserved;

    public async Task<EdgePage> GetPageAsync(PageRequest page, Func<PageRequest, Task<EdgePage>> load)
    {
        var key = (page.Cursor, page.Limit);
        long version;
        await RefreshErasedAsync();
        lock (_lock)
        {
            if (_pages.TryGetValue(key, out var cached) && IsFresh(cached.At))
            {
                return WithoutErased(cached.Value);
            }

            version = _version;
        }

        var loaded = await load(page);
        lock (_lock)
        {
            if (version == _version && options.TimeToLive > TimeSpan.Zero)
            {
                if (_pages.Remove(key, out var replaced))
                {
                    Release(replaced.Size);
                }
                else if (_pages.Count >= options.MaxPages)
                {
                    ForgetPages();
                }

                // Kept only within the silo's budget; a page that does not fit is still answered.
                var size = ListCacheBudget.SizeOf(loaded);
                if (budget.TryReserve(size))
                {
                    _reserved += size;
                    _pages[key] = new(loaded, time.GetTimestamp(), size, 0);
                }
            }
        }

        return WithoutErased(loaded);
    }

    public async Task<long> GetCountAsync(Func<Task<long>> load)
    {
        long version;
        await RefreshErasedAsync();
        var walks = erased?.WalksHeard ?? 0;
        lock (_lock)
        {
            if (_count is { } cached && IsFresh(cached.At) && cached.Walks == walks)
            {
                return cached.Value;
            }

            version = _version;
        }

        var loaded = await load();
        lock (_lock)
        {
            if (version == _version && options.TimeToLive > TimeSpan.Zero)
            {
                _count = new(loaded, time.GetTimestamp(), 0, walks);
            }
        }

        return loaded;
    }

    /// <summary>Runs a write of the list: nothing loaded before the write has finished is cached, nor served after it starts.</summary>
    public async Task<T> WriteAsync<T>(Func<Task<T>> write)
    {
        Invalidate();
        try
        {
            return await write();
        }
        finally
        {
            Invalidate();
        }
    }

    /// <summary>Forgets everything, giving its bytes back to the silo's budget, and turns away the results of loads running now.</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            _version++;
            ForgetPages();
            _count = null;
        }
    }

    private void ForgetPages()
    {
        _pages.Clear();
        Release(_reserved);
    }

    private void Release(long bytes)
    {
        _reserved -= bytes;
        budget.Release(bytes);
    }

    private bool IsFresh(long at) => time.GetElapsedTime(at) < options.TimeToLive;

    private Task RefreshErasedAsync() => erased?.RefreshIfDueAsync() ?? Task.CompletedTask;

    private EdgePage WithoutErased(EdgePage page) => erased?.Without(page) ?? page;

    /// <param name="Walks">For a count, <see cref="ErasedUsers.WalksHeard"/> before it was loaded.</param>
    private readonly record struct Cached<T>(T Value, long At, long Size, long Walks);
}
