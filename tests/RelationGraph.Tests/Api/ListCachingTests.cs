using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

/// <summary>Active grains answer list reads from memory and refresh them when they write.</summary>
public sealed class ListCachingTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task An_active_grain_serves_its_cached_page_until_its_own_next_write()
    {
        var (user, first, bypassed, last) = (silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser());
        await silo.Client.FollowAsync(user, first);
        Assert.Equal([first], (await silo.Client.FollowingAsync(user)).Items.Select(e => e.UserId));
        Assert.Equal(1, (await silo.Client.CountsAsync(user)).Following);

        // A row written around the grain is not seen in its page while the grain's cache is fresh (counts are read from
        // the shard, past the grains)...
        var store = silo.Factory.Services.GetRequiredService<EdgeStore>();
        await store.ApplyAsync(EdgeDirection.Following, user, bypassed, EdgeState.Active, DateTimeOffset.UtcNow, cancellationToken: Token);
        Assert.Equal([first], (await silo.Client.FollowingAsync(user)).Items.Select(e => e.UserId));
        Assert.Equal(2, (await silo.Client.CountsAsync(user)).Following);

        // ...and is once the grain writes again, which drops what it had cached.
        await silo.Client.FollowAsync(user, last);
        Assert.Equal([last, bypassed, first], (await silo.Client.FollowingAsync(user)).Items.Select(e => e.UserId));
        Assert.Equal(3, (await silo.Client.CountsAsync(user)).Following);
    }

    [Fact]
    public async Task A_fan_grain_refreshes_its_page_when_a_fan_lands()
    {
        var (star, fan, other) = (silo.NewUser(), silo.NewUser(), silo.NewUser());
        await silo.Client.FollowAsync(fan, star);
        Assert.Equal([fan], (await silo.Client.FansAsync(star)).Items.Select(e => e.UserId));

        await silo.Client.FollowAsync(other, star);

        Assert.Equal([other, fan], (await silo.Client.FansAsync(star)).Items.Select(e => e.UserId));
        Assert.Equal(2, (await silo.Client.CountsAsync(star)).Fans);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
