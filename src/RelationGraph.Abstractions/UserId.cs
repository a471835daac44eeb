using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;

namespace RelationGraph.Abstractions;

/// <summary>A user's id: a 64-bit integer greater than zero. Serialized as a JSON number.</summary>
[JsonConverter(typeof(UserIdJsonConverter))]
[GenerateSerializer, Immutable, Alias("RelationGraph.UserId")]
public readonly record struct UserId : IParsable<UserId>, IComparable<UserId>
{
    /// <summary>Creates a user id; throws <see cref="ArgumentOutOfRangeException"/> when <paramref name="value"/> is not positive.</summary>
    public UserId(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        Value = value;
    }

    /// <summary>The numeric id.</summary>
    [Id(0)]
    public long Value { get; }

    /// <summary>Parses a decimal id; throws <see cref="FormatException"/> unless it is a positive 64-bit integer.</summary>
    public static UserId Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var id) ? id : throw new FormatException($"'{s}' is not a user id: ids are integers from 1 to {long.MaxValue}.");

    /// <summary>Parses a decimal id; false unless it is a positive 64-bit integer.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out UserId result)
    {
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            result = new UserId(value);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public int CompareTo(UserId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Orders ids by value.</summary>
    public static bool operator <(UserId left, UserId right) => left.Value < right.Value;

    /// <summary>Orders ids by value.</summary>
    public static bool operator >(UserId left, UserId right) => left.Value > right.Value;

    /// <summary>Orders ids by value.</summary>
    public static bool operator <=(UserId left, UserId right) => left.Value <= right.Value;

    /// <summary>Orders ids by value.</summary>
    public static bool operator >=(UserId left, UserId right) => left.Value >= right.Value;
}
