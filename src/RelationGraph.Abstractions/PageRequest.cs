namespace RelationGraph.Abstractions;

/// <summary>Which page of a list to read.</summary>
/// <param name="Limit">Entries per page, from 1 to <see cref="MaxLimit"/>.</param>
/// <param name="Cursor">The <see cref="EdgePage.NextCursor"/> of the previous page, or null for the first page.</param>
[GenerateSerializer, Immutable, Alias("RelationGraph.PageRequest")]
public sealed record PageRequest([property: Id(0)] int Limit = PageRequest.DefaultLimit, [property: Id(1)] string? Cursor = null)
{
    /// <summary>The page size when none is given.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when <see cref="Limit"/> is out of range.</summary>
    public PageRequest Validate()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(Limit), Limit, $"limit must be between 1 and {MaxLimit}.");
        }

        return this;
    }
}
