using RelationGraph.Actors.Membership;
using RelationGraph.Actors.Serialization;

namespace RelationGraph.Actors.Tests;

public sealed class WireSerializerTests
{
    public enum Color : short
    {
        Red = 1,
        Blue = -2,
    }

    public sealed record Inner(string Name, Color Color);

    public sealed record Outer(long Id, int? Maybe, Inner? Child, IReadOnlyList<Inner> Children, DateTimeOffset At, TimeSpan Span, Guid Key, bool Flag, double Ratio, byte[]? Blob);

    public readonly record struct Wrapped(long Value);

    [Fact]
    public void Records_with_nested_values_round_trip()
    {
        var value = new Outer(
            -1234567890123, null, new Inner("ünïcode ✓", Color.Blue), [new Inner("a", Color.Red), new Inner("", Color.Blue)],
            new DateTimeOffset(2026, 11, 21, 5, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234), TimeSpan.FromMilliseconds(-5),
            Guid.NewGuid(), true, 0.125, [1, 2, 3]);

        var copy = WireSerializer.Deserialize<Outer>(WireSerializer.Serialize(value));

        Assert.Equal(value with { Children = copy.Children, Blob = copy.Blob }, copy);
        Assert.Equal(value.Children, copy.Children);
        Assert.Equal(value.Blob, copy.Blob);
        Assert.Equal(value.At.Offset, copy.At.Offset);
    }

    [Fact]
    public void Nulls_and_empty_collections_round_trip()
    {
        var value = new Outer(0, 7, null, [], DateTimeOffset.UnixEpoch, TimeSpan.Zero, Guid.Empty, false, double.NaN, null);

        var copy = WireSerializer.Deserialize<Outer>(WireSerializer.Serialize(value));

        Assert.Null(copy.Child);
        Assert.Null(copy.Blob);
        Assert.Empty(copy.Children);
        Assert.Equal(7, copy.Maybe);
        Assert.True(double.IsNaN(copy.Ratio));
    }

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(-1L, 1)]
    [InlineData(63L, 1)]
    [InlineData(64L, 2)]
    [InlineData(long.MaxValue, 10)]
    [InlineData(long.MinValue, 10)]
    public void Integers_take_few_bytes_when_small(long value, int expectedBytes)
    {
        var bytes = WireSerializer.Serialize(value);

        Assert.Equal(expectedBytes, bytes.Length);
        Assert.Equal(value, WireSerializer.Deserialize<long>(bytes));
    }

    [Fact]
    public void A_single_value_struct_costs_only_its_value()
    {
        Assert.Single(WireSerializer.Serialize(new Wrapped(5)));
        Assert.Equal(new Wrapped(300), WireSerializer.Deserialize<Wrapped>(WireSerializer.Serialize(new Wrapped(300))));
    }

    [Fact]
    public void Membership_views_round_trip()
    {
        var silo = new SiloAddress("127.0.0.1", 11111, 42);
        var view = new ClusterView(3, [new MembershipEntry(silo, "a", 30000, SiloStatus.Active, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, [new SuspectVote(silo, DateTimeOffset.UnixEpoch)])]);

        var copy = WireSerializer.Deserialize<ClusterView>(WireSerializer.Serialize(view));

        Assert.Equal(view.Version, copy.Version);
        Assert.Equal(view.Members[0] with { Suspicions = copy.Members[0].Suspicions }, copy.Members[0]);
        Assert.Equal(view.Members[0].Suspicions, copy.Members[0].Suspicions);
        Assert.Equal([silo], copy.ActiveSilos);
    }

    [Fact]
    public void Truncated_input_is_rejected_with_InvalidDataException()
    {
        var bytes = WireSerializer.Serialize(new Inner("a fairly long name", Color.Red));

        Assert.Throws<InvalidDataException>(() => WireSerializer.Deserialize<Inner>(bytes.AsSpan(0, bytes.Length - 3)));
    }

    [Fact]
    public void A_list_longer_than_its_message_is_rejected()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0x7F];

        Assert.Throws<InvalidDataException>(() => WireSerializer.Deserialize<List<long>>(bytes));
    }

    [Fact]
    public void Types_without_a_matching_constructor_are_refused_with_the_reason() =>
        Assert.Contains("constructor", Assert.Throws<NotSupportedException>(() => WireSerializer.Serialize(new object())).Message, StringComparison.Ordinal);
}
