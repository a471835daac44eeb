using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RelationGraph.Abstractions;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Grains;

/// <summary>
/// What a silo's list caches know of deletions: a user is left out of pages from the first check after the mark, counts
/// cached before a walk ended are dropped once the silo hears of its end, and an erasure settles once no cache can hold
/// anything from before it.
/// </summary>
public sealed class ErasedUsersTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_deleted_user_leaves_pages_from_the_next_check_and_settles_after_the_time_to_live()
    {
        await using var storage = await StorageHost.StartAsync(postgres.NewDatabase("erased_users"));
        var clock = new FakeTimeProvider(Start);
        var options = Options.Create(new ListCacheOptions { ErasureCheckInterval = TimeSpan.FromSeconds(1), TimeToLive = TimeSpan.FromSeconds(30) });
        var erased = new ErasedUsers(storage.Edges, options, clock, NullLogger<ErasedUsers>.Instance);
        var (deleted, kept) = (new UserId(7), new UserId(8));
        var page = new EdgePage([new Edge(deleted, Start), new Edge(kept, Start)], "cursor");

        await erased.RefreshIfDueAsync();
        Assert.Equal(page, erased.Without(page));
        var walks = erased.WalksHeard;

        // Marked on every shard: a check within the interval does not look again; the next one does.
        await Task.WhenAll(storage.Shards.All.Select(shard => EdgeStore.MarkDeletedAsync(shard, deleted, Token)));
        await erased.RefreshIfDueAsync();
        Assert.Equal(page, erased.Without(page));
        clock.Advance(TimeSpan.FromSeconds(1));
        await erased.RefreshIfDueAsync();
        Assert.Equal([kept], erased.Without(page).Items.Select(e => e.UserId));
        Assert.Equal("cursor", erased.Without(page).NextCursor);
        Assert.Equal(walks, erased.WalksHeard);

        // The walk's end is heard once, by the check after it.
        await Task.WhenAll(storage.Shards.All.Select(shard => EdgeStore.MarkWalkedAsync(shard, deleted, Token)));
        clock.Advance(TimeSpan.FromSeconds(1));
        await erased.RefreshIfDueAsync();
        Assert.Equal(walks + 1, erased.WalksHeard);
        clock.Advance(TimeSpan.FromSeconds(1));
        await erased.RefreshIfDueAsync();
        Assert.Equal(walks + 1, erased.WalksHeard);
        Assert.Equal([kept], erased.Without(page).Items.Select(e => e.UserId));

        // Longer after the walk than a cache keeps anything (and the clocks' margin), the user is no longer looked for.
        clock.Advance(TimeSpan.FromSeconds(45));
        await erased.RefreshIfDueAsync();
        Assert.Equal(page, erased.Without(page));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
