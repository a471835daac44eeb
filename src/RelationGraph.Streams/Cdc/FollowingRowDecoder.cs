using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using RelationGraph.Abstractions;

namespace RelationGraph.Streams.Cdc;

/// <summary>
/// Turns a row of <c>following</c> or <c>friend_asks</c> (pgoutput, binary) into the <see cref="FollowChanged"/> it stands
/// for: owner_id follows or asks (state 1), or unfollowed or withdrew (state 0), other_id at event_at. Columns are found by name in the relation message,
/// so a reordered table still decodes.
/// </summary>
internal sealed class FollowingRowDecoder
{
    private const short FollowingDirection = 1;
    private const short FriendAsksDirection = 3;
    private readonly Dictionary<uint, Columns> _relations = [];

    /// <summary>
    /// Maps the columns of <paramref name="relation"/>. Call it for every relation message: the server sends one before
    /// the first row of a table and again whenever the table changed (Npgsql then updates the same instance).
    /// </summary>
    public void Map(RelationMessage relation) => _relations[relation.RelationId] = Columns.Of(relation);

    /// <summary>Decodes <paramref name="row"/>; null when it is not a following row. Read it before the next message replaces it.</summary>
    public async ValueTask<FollowChanged?> DecodeAsync(RelationMessage relation, ReplicationTuple row, CancellationToken cancellationToken)
    {
        if (!_relations.TryGetValue(relation.RelationId, out var columns))
        {
            columns = Columns.Of(relation);
            _relations[relation.RelationId] = columns;
        }

        if (!columns.IsFollowing)
        {
            return null;
        }

        long owner = 0, other = 0;
        short direction = FollowingDirection, state = 0;
        var eventAt = default(DateTime);
        var column = 0;
        await foreach (var value in row)
        {
            if (column == columns.Owner)
            {
                owner = await value.Get<long>(cancellationToken);
            }
            else if (column == columns.Other)
            {
                other = await value.Get<long>(cancellationToken);
            }
            else if (column == columns.Direction)
            {
                direction = await value.Get<short>(cancellationToken);
            }
            else if (column == columns.State)
            {
                state = await value.Get<short>(cancellationToken);
            }
            else if (column == columns.EventAt)
            {
                eventAt = await value.Get<DateTime>(cancellationToken);
            }

            // Values not read are skipped when the enumerator moves on.
            column++;
        }

        RelationKind? kind = direction switch
        {
            FollowingDirection => RelationKind.Follow,
            FriendAsksDirection => RelationKind.FriendAsk,
            _ => null,
        };
        return kind is { } relationKind
            ? new FollowChanged(new UserId(owner), new UserId(other), (EdgeState)state, new DateTimeOffset(DateTime.SpecifyKind(eventAt, DateTimeKind.Utc))) { Kind = relationKind }
            : null;
    }

    private sealed record Columns(int Owner, int Direction, int Other, int State, int EventAt)
    {
        public bool IsFollowing => Owner >= 0 && Other >= 0 && State >= 0 && EventAt >= 0;

        public static Columns Of(RelationMessage relation)
        {
            var names = relation.Columns.Select(c => c.ColumnName).ToList();
            return relation.RelationName is "following" or "friend_asks" or "edges"
                ? new(names.IndexOf("owner_id"), names.IndexOf("direction"), names.IndexOf("other_id"), names.IndexOf("state"), names.IndexOf("event_at"))
                : new(-1, -1, -1, -1, -1);
        }
    }
}
