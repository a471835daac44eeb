using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Persistence.Sharding;
using RelationGraph.Tests.Api;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Social;

public sealed class RelationBatchTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private HttpClient Client => silo.Client;

    [Fact]
    public async Task A_batch_answers_each_relation_as_the_single_check_does_in_the_order_asked()
    {
        var (a, follows, fan, friend, asker, asked, blocked, blocker, stranger) =
            (silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser(), silo.NewUser());
        await Client.FollowAsync(a, follows);
        await Client.FollowAsync(fan, a);
        await Client.FriendAsync(a, friend);
        await Client.FriendAsync(friend, a);
        await Client.FriendAsync(asker, a);
        await Client.FriendAsync(a, asked);
        await Client.BlockAsync(a, blocked);
        await Client.BlockAsync(blocker, a);
        UserId[] others = [stranger, blocker, blocked, asked, asker, friend, fan, follows];

        var batch = await Client.RelationsAsync(a, others);

        Assert.Equal(a, batch.UserId);
        Assert.Equal(others, batch.Items.Select(r => r.OtherId));
        foreach (var other in others)
        {
            Assert.Equal(await Client.RelationAsync(a, other), batch.Items.Single(r => r.OtherId == other));
        }

        var byOther = batch.Items.ToDictionary(r => r.OtherId);
        Assert.True(byOther[follows].Following);
        Assert.True(byOther[fan].FollowedBy);
        Assert.True(byOther[friend].Friends);
        Assert.Equal(FriendRequestDirection.Incoming, byOther[asker].FriendRequest);
        Assert.Equal(FriendRequestDirection.Outgoing, byOther[asked].FriendRequest);
        Assert.True(byOther[blocked].Blocked);
        Assert.True(byOther[blocker].BlockedBy);
        Assert.Equal((false, false, false, null, false, false), Flags(byOther[stranger]));
    }

    [Fact]
    public async Task A_batch_of_1000_ids_runs_one_query_per_shard()
    {
        var a = silo.NewUser();
        var others = Enumerable.Range(0, RelationBatch.MaxIds).Select(_ => silo.NewUser()).ToList();
        await Client.FollowAsync(a, others[0]);
        await Client.FollowAsync(others[^1], a);
        var shards = silo.Factory.Services.GetRequiredService<ShardSet>();
        var databases = shards.All.Select(s => s.Database.Database).ToList();
        using var statements = new StatementCounter();

        var batch = await Client.RelationsAsync(a, others);

        var perShard = statements.Count(EdgeStore.RelationsSql, databases);
        Assert.Equal(RelationBatch.MaxIds, batch.Items.Count);
        Assert.True(batch.Items[0].Following);
        Assert.True(batch.Items[^1].FollowedBy);
        Assert.Equal(4, databases.Count);
        Assert.All(databases, d => Assert.Equal(1, perShard[d]));
    }

    [Theory]
    [InlineData("too many")]
    [InlineData("duplicate")]
    [InlineData("zero")]
    [InlineData("negative")]
    [InlineData("own id")]
    [InlineData("empty")]
    [InlineData("no ids")]
    public async Task A_bad_batch_answers_400_problem_json(string what)
    {
        var (a, b) = (silo.NewUser(), silo.NewUser());
        object body = what switch
        {
            "too many" => new { ids = Enumerable.Range(1, RelationBatch.MaxIds + 1).Select(i => 1_000_000L + i) },
            "duplicate" => new { ids = new[] { b.Value, b.Value } },
            "zero" => new { ids = new[] { b.Value, 0L } },
            "negative" => new { ids = new[] { -5L } },
            "own id" => new { ids = new[] { b.Value, a.Value } },
            "empty" => new { ids = Array.Empty<long>() },
            _ => new { other = 1 },
        };

        using var response = await Client.PostAsJsonAsync($"/v1/users/{a}/relations", body, Token);

        await FollowApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    private static (bool, bool, bool, FriendRequestDirection?, bool, bool) Flags(Relation r) =>
        (r.Following, r.FollowedBy, r.Friends, r.FriendRequest, r.Blocked, r.BlockedBy);

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
