using RelationGraph.Actors.Membership;

namespace RelationGraph.Actors.Tests;

public sealed class GrainPlacementTests
{
    private static readonly SiloAddress[] Silos = [new("127.0.0.1", 11111, 1), new("127.0.0.1", 11112, 1), new("127.0.0.1", 11113, 1)];

    [Fact]
    public void Grains_spread_evenly_over_the_silos()
    {
        var perSilo = Enumerable.Range(1, 30_000).GroupBy(i => GrainPlacement.Place(GrainId.Create("following", i), Silos)).ToDictionary(g => g.Key!, g => g.Count());

        Assert.Equal(3, perSilo.Count);
        Assert.All(perSilo.Values, count => Assert.InRange(count, 9_000, 11_000));
    }

    [Fact]
    public void A_silo_leaving_moves_only_its_own_grains()
    {
        var survivors = Silos[..2];

        foreach (var grain in Enumerable.Range(1, 10_000).Select(i => GrainId.Create("fan", i)))
        {
            var before = GrainPlacement.Place(grain, Silos);
            var after = GrainPlacement.Place(grain, survivors);
            Assert.True(before == Silos[2] || before == after, $"{grain} moved from {before} to {after}");
        }
    }

    [Fact]
    public void Placement_is_the_same_in_every_order_and_empty_without_silos()
    {
        var grain = GrainId.Create("following", 42);

        Assert.Equal(GrainPlacement.Place(grain, Silos), GrainPlacement.Place(grain, Silos.Reverse().ToList()));
        Assert.Null(GrainPlacement.Place(grain, []));
    }
}
