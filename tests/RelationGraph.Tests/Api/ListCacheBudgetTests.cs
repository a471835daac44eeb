using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Grains;
using RelationGraph.Persistence;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

/// <summary>The user grains' caches of one silo stay within <c>RelationGraph:ListCache:MaxBytes</c>.</summary>
public sealed class ListCacheBudgetTests(ListCacheBudgetTests.SmallCacheFixture silo) : IClassFixture<ListCacheBudgetTests.SmallCacheFixture>
{
    [Fact]
    public async Task Pages_beyond_the_silos_budget_are_answered_but_not_kept_and_writes_give_their_bytes_back()
    {
        var store = silo.Factory.Services.GetRequiredService<EdgeStore>();
        var budget = silo.Factory.Services.GetRequiredService<ListCacheBudget>();
        var users = Enumerable.Range(0, 6).Select(_ => silo.NewUser()).ToList();
        var at = DateTimeOffset.UtcNow;
        foreach (var user in users)
        {
            await store.ApplyAllAsync(EdgeDirection.Following, user, Enumerable.Range(1, 60).Select(i => (new UserId(1_000_000 + i), EdgeState.Active, at.AddMilliseconds(i))), Token);
        }

        var pages = new List<EdgePage>();
        foreach (var user in users)
        {
            pages.Add(await silo.Client.FollowingAsync(user, limit: 50));
        }

        Assert.All(pages, page => Assert.Equal(50, page.Items.Count));
        var pageSize = ListCacheBudget.SizeOf(pages[0]);
        Assert.InRange(budget.Bytes, pageSize, SmallCacheFixture.MaxBytes);
        Assert.True(budget.Bytes < pages.Sum(ListCacheBudget.SizeOf), $"{budget.Bytes} bytes kept: every page fitted");

        foreach (var user in users)
        {
            await silo.Client.FollowAsync(user, silo.NewUser());
        }

        Assert.Equal(0, budget.Bytes);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A silo whose grains may keep two or three first pages of 50 between them.</summary>
    public sealed class SmallCacheFixture(PostgresFixture postgres) : SiloFixture(postgres)
    {
        public const long MaxBytes = 6_000;

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["RelationGraph:ListCache:MaxBytes"] = "6000",
        };
    }
}
