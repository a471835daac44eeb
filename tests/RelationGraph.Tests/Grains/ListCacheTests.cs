using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RelationGraph.Abstractions;
using RelationGraph.Grains;

namespace RelationGraph.Tests.Grains;

public sealed class ListCacheTests : IDisposable
{
    private readonly ManualTime _time = new();
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private int _loads;

    [Fact]
    public async Task A_page_beyond_the_silos_budget_is_answered_but_not_kept_until_another_cache_gives_bytes_back()
    {
        var onePage = ListCacheBudget.SizeOf(await LoadAsync(new PageRequest(50)));
        var budget = NewBudget(maxBytes: onePage);
        var (first, second) = (NewCache(budget: budget), NewCache(budget: budget));

        await first.GetPageAsync(new PageRequest(50), LoadAsync);
        await second.GetPageAsync(new PageRequest(50), LoadAsync);
        await second.GetPageAsync(new PageRequest(50), LoadAsync);
        Assert.Equal(4, _loads);
        Assert.Equal(onePage, budget.Bytes);

        first.Invalidate();
        Assert.Equal(0, budget.Bytes);
        await second.GetPageAsync(new PageRequest(50), LoadAsync);
        await second.GetPageAsync(new PageRequest(50), LoadAsync);

        Assert.Equal(5, _loads);
        Assert.Equal(onePage, budget.Bytes);
    }

    [Fact]
    public async Task Replacing_and_evicting_pages_gives_their_bytes_back()
    {
        var budget = NewBudget(maxBytes: 1_000_000);
        var cache = NewCache(timeToLive: TimeSpan.FromSeconds(1), maxPages: 2, budget: budget);

        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        _time.Advance(TimeSpan.FromSeconds(2));
        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        var one = budget.Bytes;
        await cache.GetPageAsync(new PageRequest(10), LoadAsync);
        await cache.GetPageAsync(new PageRequest(20), LoadAsync);

        Assert.Equal(one, budget.Bytes);
        await cache.WriteAsync(() => Task.FromResult(true));
        Assert.Equal(0, budget.Bytes);
    }

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task A_fresh_page_is_served_without_loading()
    {
        var cache = NewCache();

        var first = await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        var second = await cache.GetPageAsync(new PageRequest(50), LoadAsync);

        Assert.Same(first, second);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task Pages_of_other_sizes_or_cursors_are_loaded_separately()
    {
        var cache = NewCache();

        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        await cache.GetPageAsync(new PageRequest(10), LoadAsync);
        await cache.GetPageAsync(new PageRequest(50, "next"), LoadAsync);

        Assert.Equal(3, _loads);
    }

    [Fact]
    public async Task Entries_expire_after_their_time_to_live()
    {
        var cache = NewCache();
        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        await cache.GetCountAsync(CountAsync);

        _time.Advance(TimeSpan.FromSeconds(30));
        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        await cache.GetCountAsync(CountAsync);

        Assert.Equal(4, _loads);
    }

    [Fact]
    public async Task Invalidation_forgets_pages_and_the_count()
    {
        var cache = NewCache();
        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        Assert.Equal(2, await cache.GetCountAsync(CountAsync));

        cache.Invalidate();

        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        Assert.Equal(4, await cache.GetCountAsync(CountAsync));
    }

    [Fact]
    public async Task A_zero_time_to_live_caches_nothing()
    {
        var cache = NewCache(TimeSpan.Zero);

        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        await cache.GetPageAsync(new PageRequest(50), LoadAsync);

        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task A_full_cache_starts_over_instead_of_growing()
    {
        var cache = NewCache(maxPages: 2);
        await cache.GetPageAsync(new PageRequest(1), LoadAsync);
        await cache.GetPageAsync(new PageRequest(2), LoadAsync);

        await cache.GetPageAsync(new PageRequest(3), LoadAsync);
        await cache.GetPageAsync(new PageRequest(3), LoadAsync);
        await cache.GetPageAsync(new PageRequest(1), LoadAsync);

        Assert.Equal(4, _loads);
    }

    [Fact]
    public async Task A_load_that_overlaps_a_write_is_returned_but_not_kept()
    {
        var cache = NewCache();
        var slow = new TaskCompletionSource<EdgePage>();
        var read = cache.GetPageAsync(new PageRequest(50), _ => slow.Task);

        await cache.WriteAsync(() => Task.FromResult(true));
        slow.SetResult(new EdgePage([], null));
        await read;
        await cache.GetPageAsync(new PageRequest(50), LoadAsync);

        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task A_load_that_starts_during_a_write_is_not_kept()
    {
        var cache = NewCache();
        var committing = new TaskCompletionSource<bool>();
        var write = cache.WriteAsync(() => committing.Task);

        await cache.GetPageAsync(new PageRequest(50), LoadAsync);
        committing.SetResult(true);
        await write;
        await cache.GetPageAsync(new PageRequest(50), LoadAsync);

        Assert.Equal(2, _loads);
    }

    private ListCache NewCache(TimeSpan? timeToLive = null, int maxPages = 4, ListCacheBudget? budget = null) =>
        new(new ListCacheOptions { TimeToLive = timeToLive ?? TimeSpan.FromSeconds(30), MaxPages = maxPages }, budget ?? NewBudget(long.MaxValue / 2), _time);

    private ListCacheBudget NewBudget(long maxBytes) =>
        new(Options.Create(new ListCacheOptions { MaxBytes = maxBytes }), _metrics.GetRequiredService<IMeterFactory>());

    private Task<EdgePage> LoadAsync(PageRequest page)
    {
        _loads++;
        return Task.FromResult(new EdgePage([new Edge(new UserId(_loads), DateTimeOffset.UnixEpoch)], null));
    }

    private Task<long> CountAsync() => Task.FromResult((long)++_loads);

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
