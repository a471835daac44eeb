namespace RelationGraph.Actors.Membership;

/// <summary>A membership entry with the etag that an update must present.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="ETag">Its version; changes with every update of the row.</param>
public sealed record MembershipRow(MembershipEntry Entry, string ETag);
