using Npgsql;
using RelationGraph.Abstractions;

namespace RelationGraph.Persistence;

public sealed partial class EdgeStore
{
    /// <summary>
    /// One shard's part of a batch relation check, as one statement: the user's own rows towards the others on that
    /// shard (<c>$1</c> user, <c>$2</c> others, empty unless it is the user's shard), and each other's source rows
    /// towards the user (<c>$3</c> the others on this shard). Public so baselines run exactly what the service runs.
    /// </summary>
    public const string RelationsSql = """
        SELECT owner_id, direction, other_id FROM edges
        WHERE owner_id = $1 AND direction IN (1, 3, 5, 6) AND other_id = ANY($2) AND state = 1
        UNION ALL
        SELECT owner_id, direction, other_id FROM edges
        WHERE owner_id = ANY($3) AND direction IN (1, 3) AND other_id = $1 AND state = 1
        """;

    /// <summary>
    /// How <paramref name="user"/> relates to each of <paramref name="others"/>, in their order: one statement per shard
    /// involved, whatever the number of users. Follows and asks towards the user are read from each other's own rows (the
    /// source of truth), the user's blocks from the user's shard.
    /// </summary>
    public async Task<IReadOnlyList<Relation>> GetRelationsAsync(UserId user, IReadOnlyList<UserId> others, CancellationToken cancellationToken = default)
    {
        var userShard = shards.For(user);
        var groups = others.GroupBy(shards.For).ToDictionary(g => g.Key, g => g.Select(o => o.Value).ToArray());
        groups.TryAdd(userShard, []);
        var rows = await Task.WhenAll(groups.Select(group => group.Key.RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand(RelationsSql);
            command.Parameters.Add(new() { Value = user.Value });
            command.Parameters.Add(new() { Value = group.Key == userShard ? others.Select(o => o.Value).ToArray() : Array.Empty<long>() });
            command.Parameters.Add(new() { Value = group.Value });
            var found = new List<(long Owner, EdgeDirection Direction, long Other)>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add((reader.GetInt64(0), (EdgeDirection)reader.GetInt16(1), reader.GetInt64(2)));
            }

            return found;
        }, cancellationToken)));

        var active = rows.SelectMany(r => r).ToHashSet();
        return [.. others.Select(other => Relate(user, other, active))];
    }

    private static Relation Relate(UserId user, UserId other, HashSet<(long Owner, EdgeDirection Direction, long Other)> active)
    {
        bool Has(UserId owner, EdgeDirection direction, UserId to) => active.Contains((owner.Value, direction, to.Value));
        var (asks, asked) = (Has(user, EdgeDirection.FriendAsks, other), Has(other, EdgeDirection.FriendAsks, user));
        return new Relation(user, other, Has(user, EdgeDirection.Following, other), Has(other, EdgeDirection.Following, user))
        {
            Friends = asks && asked,
            FriendRequest = asks == asked ? null : asks ? FriendRequestDirection.Outgoing : FriendRequestDirection.Incoming,
            Blocked = Has(user, EdgeDirection.Blocking, other),
            BlockedBy = Has(user, EdgeDirection.BlockedBy, other),
        };
    }

    /// <summary>
    /// The probe of a set query: which of <paramref name="candidates"/> have an active row in <paramref name="owner"/>'s
    /// <paramref name="direction"/>, in one statement. Public so baselines run exactly what the service runs.
    /// </summary>
    /// <remarks>
    /// The candidates' range (<c>$4</c>, <c>$5</c>) repeats what <c>= ANY</c> says, for the planner: without it, a custom
    /// plan for a list that fills most of its partition read the whole list (12 ms against 1.5 ms for 1,000 candidates
    /// on a 100,000-row list), and a page's work grew with the larger side. With it the estimate is the rows in the
    /// range, and the plan probes the index.
    /// </remarks>
    public const string MembersSql = "SELECT other_id FROM edges WHERE owner_id = $1 AND direction = $2 AND other_id = ANY($3) AND other_id BETWEEN $4 AND $5 AND state = 1";

    // The direction is one value, not a list: under the prepared (generic) plan a list would keep the partition and
    // the index from being pruned to the owner's rows in that direction, and the probe would read the whole list.
    private const string BlockedAmongSql = "SELECT other_id FROM edges WHERE owner_id = $1 AND direction IN (5, 6) AND other_id = ANY($2) AND state = 1";

    /// <summary>Which of <paramref name="candidates"/> have an active row in <paramref name="owner"/>'s <paramref name="direction"/>: one statement.</summary>
    public Task<HashSet<long>> GetMembersAsync(UserId owner, EdgeDirection direction, long[] candidates, CancellationToken cancellationToken = default) =>
        candidates.Length == 0
            ? Task.FromResult(new HashSet<long>())
            : ReadIdsAsync(owner, MembersSql, [owner.Value, (short)direction, candidates, candidates.Min(), candidates.Max()], candidates.Length, cancellationToken);

    /// <summary>Which of <paramref name="candidates"/> block <paramref name="owner"/> or are blocked by them: one statement.</summary>
    public Task<HashSet<long>> GetBlockedAmongAsync(UserId owner, long[] candidates, CancellationToken cancellationToken = default) =>
        ReadIdsAsync(owner, BlockedAmongSql, [owner.Value, candidates], candidates.Length, cancellationToken);

    private Task<HashSet<long>> ReadIdsAsync(UserId owner, string sql, object[] parameters, int candidates, CancellationToken cancellationToken) =>
        candidates == 0
            ? Task.FromResult(new HashSet<long>())
            : shards.For(owner).RunAsync(async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand(sql);
                foreach (var parameter in parameters)
                {
                    command.Parameters.Add(new() { Value = parameter });
                }

                return await ReadIdsAsync(command, ct);
            }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of <paramref name="owner"/>'s active edges in <paramref name="direction"/> after <paramref name="afterId"/>, by ascending id.</summary>
    public Task<long[]> WalkAsync(UserId owner, EdgeDirection direction, long afterId, int limit, CancellationToken cancellationToken = default) =>
        shards.For(owner).RunAsync(async (dataSource, ct) =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT other_id FROM edges WHERE owner_id = $1 AND direction = $2 AND other_id > $3 AND state = 1
                ORDER BY other_id LIMIT $4
                """);
            command.Parameters.Add(new() { Value = owner.Value });
            command.Parameters.Add(new() { Value = (short)direction });
            command.Parameters.Add(new() { Value = afterId });
            command.Parameters.Add(new() { Value = limit });
            return (await ReadIdsAsync(command, ct)).Order().ToArray();
        }, cancellationToken);

    private static async Task<HashSet<long>> ReadIdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
