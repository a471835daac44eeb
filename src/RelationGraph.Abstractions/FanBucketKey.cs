namespace RelationGraph.Abstractions;

/// <summary>The keys of a user's <see cref="IFanBucketGrain"/>s.</summary>
public static class FanBucketKey
{
    /// <summary>The key extension of bucket <paramref name="bucket"/>: the namespace of the follow stream it subscribes to, <c>follows/n</c>.</summary>
    public static string Of(int bucket) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"follows/{bucket}");
}
