using RelationGraph.Abstractions;

namespace RelationGraph.Grains;

/// <summary>
/// A page of a celebrity's fans merged from the pages of their buckets. Every bucket reads on from the same position (the
/// caller's cursor) and first returns about twice its share of the page; a bucket that may hold rows newer than the
/// page's last is read further, so the merge answers exactly the page one index range over all rows would, with the
/// same cursor.
/// </summary>
internal static class FanPageMerge
{
    private static readonly Comparer<Edge> NewestFirst = Comparer<Edge>.Create((a, b) =>
    {
        var byTime = b.Since.CompareTo(a.Since);
        return byTime != 0 ? byTime : b.UserId.Value.CompareTo(a.UserId.Value);
    });

    /// <summary>
    /// Merges <paramref name="buckets"/> buckets' pages read by <paramref name="readBucket"/> into <paramref name="page"/>;
    /// <paramref name="cursorAfter"/> seals the position after an entry.
    /// </summary>
    public static async Task<EdgePage> MergeAsync(
        int buckets, PageRequest page, Func<int, PageRequest, Task<EdgePage>> readBucket, Func<Edge, string> cursorAfter)
    {
        page.Validate();
        var items = new List<Edge>();
        var next = new string?[buckets];
        var last = new Edge?[buckets];
        var limit = Math.Min(PageRequest.MaxLimit, 2 * ((page.Limit + buckets - 1) / buckets) + 2);
        var reads = Enumerable.Range(0, buckets).Select(b => (Bucket: b, Cursor: page.Cursor)).ToList();
        while (true)
        {
            var pages = await Task.WhenAll(reads.Select(r => readBucket(r.Bucket, new PageRequest(limit, r.Cursor))));
            for (var i = 0; i < reads.Count; i++)
            {
                var bucket = reads[i].Bucket;
                items.AddRange(pages[i].Items);
                next[bucket] = pages[i].NextCursor;
                last[bucket] = pages[i].Items.Count > 0 ? pages[i].Items[^1] : last[bucket];
            }

            items.Sort(NewestFirst);

            // Entries down to the newest of the unfinished buckets' last entries are all known; past it, a bucket may still
            // hold one. Done once the page is within what is known, or nothing is left unread.
            var unfinished = Enumerable.Range(0, buckets).Where(b => next[b] is not null).ToList();
            var known = unfinished.Count == 0 ? items.Count : CountDownTo(items, unfinished.Select(b => last[b]!).Min(NewestFirst)!);
            if (known >= page.Limit || unfinished.Count == 0)
            {
                var taken = items.Take(Math.Min(page.Limit, known)).ToList();
                var more = items.Count > taken.Count || unfinished.Count > 0;
                return new EdgePage(taken, more && taken.Count > 0 ? cursorAfter(taken[^1]) : null);
            }

            // Read on from the buckets that could still hold one of the page's entries: those whose last entry is newer
            // than the page's last as merged so far (every unfinished one while the page is not full yet).
            var pageLast = items.Count >= page.Limit ? items[page.Limit - 1] : null;
            reads = unfinished
                .Where(b => pageLast is null || NewestFirst.Compare(last[b], pageLast) < 0)
                .Select(b => (Bucket: b, Cursor: next[b]))
                .ToList();
            limit = Math.Min(PageRequest.MaxLimit, limit * 2);
        }
    }

    /// <summary>How many of <paramref name="items"/> (sorted newest first) are <paramref name="bound"/> or newer.</summary>
    private static int CountDownTo(List<Edge> items, Edge bound)
    {
        var index = items.BinarySearch(bound, NewestFirst);
        return index >= 0 ? index + 1 : ~index;
    }
}
