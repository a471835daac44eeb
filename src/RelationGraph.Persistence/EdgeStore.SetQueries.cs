using System.Globalization;
using RelationGraph.Abstractions;

namespace RelationGraph.Persistence;

public sealed partial class EdgeStore
{
    /// <summary>The most rows of the smaller side one set-query page walks; a page never costs more, whatever the sizes.</summary>
    public const int SetWalkBudget = 10_000;

    private const int SetWalkChunk = 1_000;

    /// <summary>
    /// A page of the intersection of two lists (<paramref name="walk"/> and <paramref name="probe"/>, each an owner's
    /// active edges in one direction), by ascending id, without users <paramref name="viewer"/> blocks or is blocked by.
    /// It walks the smaller list in chunks and checks each chunk's ids on the larger one in one statement, at most
    /// <see cref="SetWalkBudget"/> rows a page; a page may then be short, and its cursor resumes the walk.
    /// </summary>
    public async Task<UserPage> GetIntersectionPageAsync(
        UserId viewer, (UserId Owner, EdgeDirection Direction) walk, (UserId Owner, EdgeDirection Direction) probe, PageRequest page, CancellationToken cancellationToken = default)
    {
        page.Validate();
        var list = SetListName(walk, probe);
        var after = page.Cursor is null ? 0 : _cursors.Open(list, viewer, page.Cursor).OtherId;
        var (walkCount, probeCount) = (GetCountAsync(walk.Direction, walk.Owner, cancellationToken), GetCountAsync(probe.Direction, probe.Owner, cancellationToken));
        if (await probeCount < await walkCount)
        {
            (walk, probe) = (probe, walk);
        }

        var items = new List<UserItem>(page.Limit);
        var walked = 0;

        // A small page starts with a small chunk, doubling while matches are sparse.
        var size = Math.Max(2 * page.Limit, 64);
        while (walked < SetWalkBudget)
        {
            var asked = Math.Min(Math.Min(size, SetWalkChunk), SetWalkBudget - walked);
            var chunk = await WalkAsync(walk.Owner, walk.Direction, after, asked, cancellationToken);
            if (chunk.Length == 0)
            {
                return new UserPage(items, null);
            }

            var members = GetMembersAsync(probe.Owner, probe.Direction, chunk, cancellationToken);
            var blocked = GetBlockedAmongAsync(viewer, chunk, cancellationToken);
            var (inBoth, excluded) = (await members, await blocked);
            foreach (var id in chunk)
            {
                after = id;
                if (inBoth.Contains(id) && !excluded.Contains(id) && id != viewer.Value)
                {
                    items.Add(new UserItem(new UserId(id)));
                    if (items.Count == page.Limit)
                    {
                        return new UserPage(items, _cursors.Seal(list, viewer, new PageCursor(0, id)));
                    }
                }
            }

            walked += chunk.Length;
            size *= 2;
            if (chunk.Length < asked)
            {
                return new UserPage(items, null);
            }
        }

        return new UserPage(items, _cursors.Seal(list, viewer, new PageCursor(0, after)));
    }

    /// <summary>The name a set query's cursors are bound to, with the viewer as owner (<see cref="PageCursorCodec"/>).</summary>
    private static string SetListName((UserId Owner, EdgeDirection Direction) walk, (UserId Owner, EdgeDirection Direction) probe) =>
        string.Create(CultureInfo.InvariantCulture, $"set:{walk.Owner}:{(int)walk.Direction}:{probe.Owner}:{(int)probe.Direction}");
}
