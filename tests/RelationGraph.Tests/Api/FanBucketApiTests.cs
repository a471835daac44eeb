using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Testing;
using RelationGraph.Tests.Buckets;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Api;

/// <summary><c>GET /v1/users/{id}/fans</c> of a user in fan buckets: served by the buckets, the same pages and cursors, 410 once deleted.</summary>
public sealed class FanBucketApiTests(FanBucketApiTests.BucketingSiloFixture silo) : IClassFixture<FanBucketApiTests.BucketingSiloFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private HttpClient Client => silo.Client;

    [Fact]
    public async Task A_bucketed_users_fans_are_read_from_its_buckets_with_the_same_pages_and_cursors()
    {
        var star = silo.NewUser();
        var fans = Enumerable.Range(0, 6).Select(_ => silo.NewUser()).ToList();
        foreach (var fan in fans)
        {
            await Client.FollowAsync(fan, star);
        }

        // Nothing reads the fans before every copy has landed (the count comes from the shard), so no bucket keeps an older page.
        var map = silo.Factory.Services.GetRequiredService<FanBucketMap>();
        await Eventually.WaitAsync(ct => Task.FromResult(map.TryGetBuckets(star, out _)), Deadline, () => $"{star} moved into buckets", Token);
        await Eventually.ValueAsync(_ => Client.CountsAsync(star), c => c.Fans == fans.Count, Deadline, "every fan copy", Token);
        var all = await Client.FansAsync(star);
        Assert.Equal(fans.AsEnumerable().Reverse(), all.Items.Select(e => e.UserId));

        // That read learned of the buckets; the next ones spread over them and answer what the fan grain did.
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(all.Items, (await Client.FansAsync(star)).Items);
        }

        Assert.True(await FanBucketTests.BucketActivationsAsync(silo.Factory.Services.GetRequiredService<IGrainFactory>()) >= 2, "the REST reads did not spread over the buckets");
        Assert.Equal(all.Items, await RelationGraphApiClient.WalkAsync(cursor => Client.FansAsync(star, 2, cursor)));

        using (var _ = await Client.DeleteAsync($"/v1/users/{star}", Token))
        {
        }

        await Eventually.WaitAsync(
            async ct =>
            {
                using var response = await Client.GetAsync($"/v1/users/{star}/fans", ct);
                return response.StatusCode == HttpStatusCode.Gone && response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            },
            Deadline, () => "410 for the deleted user's fans", Token);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A silo that moves a user into 4 fan buckets at 5 fans.</summary>
    public sealed class BucketingSiloFixture(PostgresFixture postgres) : SiloFixture(postgres)
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["RelationGraph:FanBuckets:Threshold"] = "5",
            ["RelationGraph:FanBuckets:CheckEvery"] = "1",
            ["RelationGraph:FanBuckets:Buckets"] = "4",
        };
    }
}
