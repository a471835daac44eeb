using System.Net;
using Orleans.LeaseProviders;
using Orleans.Runtime;
using RelationGraph.Streams;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Redundancy;

/// <summary>
/// The queue balancer's leases in the meta database, as Orleans' lease-based balancer uses them: one holder per queue, the
/// holder renews with its token, a lease that ran out or was released goes to the next silo that asks. Each test works in
/// a category of its own.
/// </summary>
public sealed class PostgresLeaseProviderTests(StorageFixture storage) : IClassFixture<StorageFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly string _category = $"test-{Guid.NewGuid():N}";
    private PostgresLeaseProvider _first = null!;
    private PostgresLeaseProvider _second = null!;

    public ValueTask InitializeAsync()
    {
        _first = Silo(11111, generation: 1);
        _second = Silo(11112, generation: 1);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task A_free_lease_is_acquired_and_while_held_is_not_available_to_another_silo()
    {
        var acquired = await _first.Acquire(_category, [new LeaseRequest("q1", Minute), new LeaseRequest("q2", Minute)]);
        Assert.All(acquired, result => Assert.Equal(ResponseCode.OK, result.StatusCode));
        Assert.Equal(["q1", "q2"], acquired.Select(r => r.AcquiredLease!.ResourceKey));
        Assert.NotEqual(acquired[0].AcquiredLease!.Token, acquired[1].AcquiredLease!.Token);

        var refused = await _second.Acquire(_category, [new LeaseRequest("q2", Minute), new LeaseRequest("q3", Minute)]);

        Assert.Equal([ResponseCode.LeaseNotAvailable, ResponseCode.OK], refused.Select(r => r.StatusCode));
        Assert.Equal("q2", refused[0].AcquiredLease!.ResourceKey);
        var holders = await _first.HoldersAsync(_category, Token);
        Assert.Equal(["127.0.0.1:11111@1", "127.0.0.1:11111@1", "127.0.0.1:11112@1"], holders.OrderBy(h => h.Key).Select(h => h.Value.ToParsableString()));
    }

    [Fact]
    public async Task The_holder_renews_with_its_token_and_a_token_from_before_a_release_is_refused()
    {
        var held = (await _first.Acquire(_category, [new LeaseRequest("q1", Minute)]))[0].AcquiredLease!;

        var renewed = await _first.Renew(_category, [held]);
        Assert.Equal(ResponseCode.OK, renewed[0].StatusCode);
        Assert.Equal(held.Token, renewed[0].AcquiredLease!.Token);

        await _first.Release(_category, [held]);
        Assert.Empty(await _first.HoldersAsync(_category, Token));
        Assert.Equal(ResponseCode.OK, (await _second.Acquire(_category, [new LeaseRequest("q1", Minute)]))[0].StatusCode);

        var stale = await _first.Renew(_category, [held]);
        Assert.Equal(ResponseCode.InvalidToken, stale[0].StatusCode);
        Assert.Equal("127.0.0.1:11112@1", (await _first.HoldersAsync(_category, Token))["q1"].ToParsableString());
    }

    [Fact]
    public async Task A_lease_that_ran_out_goes_to_the_next_silo_that_asks()
    {
        // A lease of no duration has run out as soon as it is taken.
        var lapsed = (await _first.Acquire(_category, [new LeaseRequest("q1", TimeSpan.Zero)]))[0].AcquiredLease!;
        Assert.Empty(await _first.HoldersAsync(_category, Token));

        var taken = await _second.Acquire(_category, [new LeaseRequest("q1", Minute)]);

        Assert.Equal(ResponseCode.OK, taken[0].StatusCode);
        Assert.NotEqual(lapsed.Token, taken[0].AcquiredLease!.Token);
        Assert.Equal(ResponseCode.InvalidToken, (await _first.Renew(_category, [lapsed]))[0].StatusCode);
    }

    [Fact]
    public async Task A_silo_started_again_at_the_same_address_takes_over_its_earlier_lifes_leases_at_once()
    {
        var earlier = (await _first.Acquire(_category, [new LeaseRequest("q1", Minute)]))[0].AcquiredLease!;
        await using var restarted = Silo(11111, generation: 2);

        var taken = await restarted.Acquire(_category, [new LeaseRequest("q1", Minute)]);

        Assert.Equal(ResponseCode.OK, taken[0].StatusCode);
        Assert.Equal(ResponseCode.InvalidToken, (await _first.Renew(_category, [earlier]))[0].StatusCode);
        Assert.Equal("127.0.0.1:11111@2", (await restarted.HoldersAsync(_category, Token))["q1"].ToParsableString());
    }

    [Fact]
    public async Task A_release_frees_only_the_leases_whose_token_it_names()
    {
        var held = (await _first.Acquire(_category, [new LeaseRequest("q1", Minute), new LeaseRequest("q2", Minute)])).Select(r => r.AcquiredLease!).ToArray();

        await _second.Release(_category, [new AcquiredLease("q1", Minute, Guid.NewGuid().ToString(), DateTime.UtcNow)]);
        await _first.Release(_category, [held[1]]);

        Assert.Equal(["q1"], (await _first.HoldersAsync(_category, Token)).Keys);
        Assert.Equal(ResponseCode.OK, (await _second.Acquire(_category, [new LeaseRequest("q2", Minute)]))[0].StatusCode);
    }

    private PostgresLeaseProvider Silo(int port, int generation) =>
        new(storage.MetaConnectionString, SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation));

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
