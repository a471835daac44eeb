using RelationGraph.Abstractions;

namespace RelationGraph.Persistence.Audit;

/// <summary>
/// The full scan of one segment of follower ids: a streaming merge join, in (follower, followee) order, of <c>following</c>
/// from every shard with <c>fans</c> from every shard. Each shard's side is read in keyset pages of a bounded size, the
/// next page fetched while the current one is merged, so memory stays at two pages per shard and side whatever the size.
/// </summary>
public sealed class FullScanMerge
{
    private readonly Source[] _following;
    private readonly Source[] _fans;
    private readonly long _horizonTicks;
    private EdgePair _last;

    /// <summary>Starts after <paramref name="after"/>, up to follower <paramref name="lastFollower"/>, in pages of <paramref name="pageSize"/>.</summary>
    public FullScanMerge(AuditStore store, EdgePair after, long lastFollower, int pageSize, DateTimeOffset purgeHorizon)
    {
        _following = store.Shards.All.Select(s => new Source((a, ct) => AuditStore.ReadInKeyOrderAsync(s, EdgeDirection.Following, a, lastFollower, pageSize, ct), pageSize, after)).ToArray();
        _fans = store.Shards.All.Select(s => new Source((a, ct) => AuditStore.ReadInKeyOrderAsync(s, EdgeDirection.Fans, a, lastFollower, pageSize, ct), pageSize, after)).ToArray();
        _horizonTicks = purgeHorizon.UtcTicks;
        _last = after;
    }

    /// <summary>Merges up to <paramref name="maxKeys"/> more keys.</summary>
    public async Task<MergeSlice> NextAsync(int maxKeys, CancellationToken cancellationToken)
    {
        var candidates = new List<EdgePair>();
        var tombstones = new List<EdgePair>();
        long scanned = 0;
        while (scanned < maxKeys)
        {
            var source = await HeadAsync(_following, cancellationToken);
            var fan = await HeadAsync(_fans, cancellationToken);
            if (source is null && fan is null)
            {
                return new MergeSlice(scanned, candidates, tombstones, _last, Finished: true);
            }

            var key = source is null ? fan!.Value.Pair : fan is null ? source.Value.Pair : source.Value.Pair <= fan.Value.Pair ? source.Value.Pair : fan.Value.Pair;
            AuditRow? s = source?.Pair == key ? Take(_following) : null;
            AuditRow? f = fan?.Pair == key ? Take(_fans) : null;
            scanned++;
            _last = key;
            if (PairCheck.Classify(s, f) is not null)
            {
                candidates.Add(key);
            }
            else if (IsOldTombstone(s) || (s is null && IsOldTombstone(f)))
            {
                tombstones.Add(key);
            }
        }

        return new MergeSlice(scanned, candidates, tombstones, _last, Finished: false);
    }

    private bool IsOldTombstone(AuditRow? row) => row is { State: EdgeState.Removed } r && r.EventTicks < _horizonTicks;

    private static async ValueTask<AuditRow?> HeadAsync(Source[] sources, CancellationToken cancellationToken)
    {
        AuditRow? head = null;
        foreach (var source in sources)
        {
            if (await source.PeekAsync(cancellationToken) is { } row && (head is null || row.Pair < head.Value.Pair))
            {
                head = row;
            }
        }

        return head;
    }

    private static AuditRow Take(Source[] sources)
    {
        // The head was just peeked, so every source has its current row in memory.
        Source? best = null;
        foreach (var source in sources)
        {
            if (source.Current is { } row && (best is null || row.Pair < best.Current!.Value.Pair))
            {
                best = source;
            }
        }

        return best!.Take();
    }

    /// <summary>One shard's side: the current page and the next one, already being fetched.</summary>
    private sealed class Source(Func<EdgePair, CancellationToken, Task<AuditRow[]>> fetch, int pageSize, EdgePair after)
    {
        private AuditRow[] _page = [];
        private int _index;
        private Task<AuditRow[]>? _next;
        private bool _exhausted;
        private EdgePair _after = after;

        public AuditRow? Current => _index < _page.Length ? _page[_index] : null;

        public async ValueTask<AuditRow?> PeekAsync(CancellationToken cancellationToken)
        {
            if (_index < _page.Length)
            {
                return _page[_index];
            }

            if (_exhausted)
            {
                return null;
            }

            _page = await (_next ?? fetch(_after, cancellationToken));
            _index = 0;
            _next = null;
            if (_page.Length < pageSize)
            {
                _exhausted = true;
            }
            else
            {
                _after = _page[^1].Pair;
                _next = fetch(_after, cancellationToken);
            }

            return _page.Length > 0 ? _page[0] : null;
        }

        public AuditRow Take() => _page[_index++];
    }
}
