namespace RelationGraph.Persistence;

/// <summary>
/// Where a keyset page ends: the (event time, other id) of the last entry returned. Travels to callers only sealed by
/// <see cref="PageCursorCodec"/>, which binds it to its list.
/// </summary>
/// <param name="EventAtMicros">The last entry's event time, microseconds since the Unix epoch (0 for lists not ordered by time).</param>
/// <param name="OtherId">The last entry's user id.</param>
public readonly record struct PageCursor(long EventAtMicros, long OtherId);
