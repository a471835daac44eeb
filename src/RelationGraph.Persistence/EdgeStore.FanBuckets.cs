using RelationGraph.Abstractions;

namespace RelationGraph.Persistence;

public sealed partial class EdgeStore
{
    // A bucket's rows are the user's rows whose follower hashes to it: the page index's range, filtered, so a bucket of
    // n reads about n rows for each of its own. Its parameters follow those of the plain page queries.
    private const string BucketFirstPageSql = """
        SELECT other_id, event_at FROM edges
        WHERE owner_id = $1 AND direction = $2 AND state = 1 AND fan_bucket(other_id, $4) = $5
        ORDER BY event_at DESC, other_id DESC LIMIT $3
        """;

    private const string BucketNextPageSql = """
        SELECT other_id, event_at FROM edges
        WHERE owner_id = $1 AND direction = $2 AND state = 1 AND (event_at, other_id) < ($4, $5) AND fan_bucket(other_id, $6) = $7
        ORDER BY event_at DESC, other_id DESC LIMIT $3
        """;

    /// <summary>
    /// A page of the fans of <paramref name="owner"/> that fall in <paramref name="bucket"/> of <paramref name="buckets"/>
    /// (<see cref="FanBuckets.FanBucketMap.BucketOf"/>), newest first. Its cursors are those of the user's whole fan list:
    /// a position in the list, whichever bucket reads on from it.
    /// </summary>
    public Task<EdgePage> GetFanBucketPageAsync(UserId owner, int bucket, int buckets, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, buckets);
        return ReadPageAsync(EdgeDirection.Fans, owner, page, checkDeleted: false, (bucket, buckets), cancellationToken);
    }
}
