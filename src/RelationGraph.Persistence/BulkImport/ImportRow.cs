namespace RelationGraph.Persistence.BulkImport;

/// <summary>One edge as one shard stores it for one direction; fixed-size, so runs go to disk as raw memory.</summary>
/// <param name="Owner">The row's owner (the follower for following, the followee for fans).</param>
/// <param name="Other">The other end.</param>
/// <param name="At">The event time, microseconds since the Unix epoch.</param>
internal readonly record struct ImportRow(long Owner, long Other, long At)
{
    /// <summary>Primary-key order, newest first within a pair, so the first row of each pair is the one that wins.</summary>
    public readonly struct Order : IComparer<ImportRow>
    {
        public int Compare(ImportRow x, ImportRow y)
        {
            var order = x.Owner.CompareTo(y.Owner);
            if (order == 0)
            {
                order = x.Other.CompareTo(y.Other);
            }

            return order != 0 ? order : y.At.CompareTo(x.At);
        }
    }
}
