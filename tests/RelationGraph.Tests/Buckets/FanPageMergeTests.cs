using System.Globalization;
using RelationGraph.Abstractions;
using RelationGraph.Grains;

namespace RelationGraph.Tests.Buckets;

/// <summary>
/// Merging a celebrity's bucket pages gives exactly the pages of one newest-first walk over all their fans, whatever the
/// spread of the fans over the buckets, and reads little more than the page from each bucket.
/// </summary>
public sealed class FanPageMergeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int> Spreads => new()
    {
        { "even", 1 }, { "even", 7 }, { "even", 50 }, { "even", 1000 },
        { "newest in one bucket", 1 }, { "newest in one bucket", 50 },
        { "shared times", 3 }, { "shared times", 50 },
        { "one bucket empty", 10 },
    };

    [Theory]
    [MemberData(nameof(Spreads))]
    public async Task Walking_merged_pages_gives_every_fan_once_in_the_order_of_one_walk(string spread, int limit)
    {
        var buckets = Buckets(spread, count: 4, fans: 400);
        var all = buckets.SelectMany(b => b).OrderByDescending(e => e.Since).ThenByDescending(e => e.UserId.Value).ToList();

        var walked = new List<Edge>();
        string? cursor = null;
        do
        {
            var page = await FanPageMerge.MergeAsync(buckets.Length, new PageRequest(limit, cursor), (b, p) => Task.FromResult(Read(buckets[b], p)), CursorOf);
            Assert.InRange(page.Items.Count, 1, limit);
            Assert.Equal(walked.Count + page.Items.Count < all.Count, page.NextCursor is not null);
            walked.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(all, walked);
    }

    [Fact]
    public async Task A_cursor_from_one_walk_over_all_fans_goes_on_in_merged_pages()
    {
        var buckets = Buckets("even", count: 4, fans: 100);
        var all = buckets.SelectMany(b => b).OrderByDescending(e => e.Since).ThenByDescending(e => e.UserId.Value).ToList();

        var page = await FanPageMerge.MergeAsync(buckets.Length, new PageRequest(10, CursorOf(all[29])), (b, p) => Task.FromResult(Read(buckets[b], p)), CursorOf);

        Assert.Equal(all.Skip(30).Take(10), page.Items);
        Assert.Equal(CursorOf(all[39]), page.NextCursor);
    }

    [Fact]
    public async Task A_page_of_evenly_spread_fans_reads_each_bucket_once_and_about_twice_its_share()
    {
        var buckets = Buckets("even", count: 16, fans: 1_600);
        var asked = new List<(int Bucket, int Limit)>();

        var page = await FanPageMerge.MergeAsync(16, new PageRequest(50), (b, p) =>
        {
            lock (asked)
            {
                asked.Add((b, p.Limit));
            }

            return Task.FromResult(Read(buckets[b], p));
        }, CursorOf);

        Assert.Equal(50, page.Items.Count);
        Assert.Equal(Enumerable.Range(0, 16), asked.Select(a => a.Bucket).Order());
        Assert.All(asked, a => Assert.Equal(10, a.Limit));
    }

    [Fact]
    public async Task A_page_size_out_of_range_is_refused_before_any_bucket_is_read()
    {
        var read = false;
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FanPageMerge.MergeAsync(4, new PageRequest(0), (_, _) =>
        {
            read = true;
            return Task.FromResult(new EdgePage([], null));
        }, CursorOf));
        Assert.False(read);
    }

    /// <summary>Fans 1..<paramref name="fans"/> spread over <paramref name="count"/> buckets in the named way, each bucket newest first.</summary>
    private static List<Edge>[] Buckets(string spread, int count, int fans)
    {
        var buckets = Enumerable.Range(0, count).Select(_ => new List<Edge>()).ToArray();
        for (var fan = 1; fan <= fans; fan++)
        {
            var (bucket, since) = spread switch
            {
                "even" => (fan % count, Start.AddMilliseconds(fan)),
                "newest in one bucket" => (fan > fans - 120 ? 2 : fan % count, Start.AddMilliseconds(fan)),
                "shared times" => (fan % count, Start.AddSeconds(fan / 25)),
                "one bucket empty" => (1 + (fan % (count - 1)), Start.AddMilliseconds(fan)),
                _ => throw new ArgumentOutOfRangeException(nameof(spread)),
            };
            buckets[bucket].Add(new Edge(new UserId(fan), since));
        }

        foreach (var bucket in buckets)
        {
            bucket.Sort((a, b) => (b.Since, b.UserId.Value).CompareTo((a.Since, a.UserId.Value)));
        }

        return buckets;
    }

    /// <summary>A bucket's page, as the shard reads it: entries after the cursor's position, one more read to know whether more follow.</summary>
    private static EdgePage Read(List<Edge> bucket, PageRequest page)
    {
        var after = page.Cursor is null ? ((DateTimeOffset, long)?)null : Position(page.Cursor);
        var rows = bucket.Where(e => after is not { } a || (e.Since, e.UserId.Value).CompareTo(a) < 0).Take(page.Limit + 1).ToList();
        return rows.Count > page.Limit ? new EdgePage(rows[..page.Limit], CursorOf(rows[page.Limit - 1])) : new EdgePage(rows, null);
    }

    private static string CursorOf(Edge edge) => string.Create(CultureInfo.InvariantCulture, $"{edge.Since.UtcTicks}:{edge.UserId.Value}");

    private static (DateTimeOffset, long) Position(string cursor)
    {
        var parts = cursor.Split(':');
        return (new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
