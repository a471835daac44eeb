namespace RelationGraph.Actors.Membership;

/// <summary>
/// Durable cluster membership, shared by every silo of a cluster (Orleans' <c>IMembershipTable</c>). Every change
/// of a row is a compare-and-swap on the table version and the row's etag, so concurrent writers cannot lose votes.
/// </summary>
public interface IMembershipTable
{
    /// <summary>Creates the table's storage when missing and the cluster's version row.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Every row and the table version.</summary>
    Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Adds a row if the table is still at <paramref name="tableVersion"/>; false when someone changed it first.</summary>
    Task<bool> InsertRowAsync(MembershipEntry entry, long tableVersion, CancellationToken cancellationToken);

    /// <summary>Replaces a row if it still has <paramref name="etag"/> and the table is still at <paramref name="tableVersion"/>.</summary>
    Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, long tableVersion, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="silo"/> is alive; not a versioned change.</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Removes rows of dead silos that stopped before <paramref name="before"/>.</summary>
    Task CleanupDefunctSiloEntriesAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
