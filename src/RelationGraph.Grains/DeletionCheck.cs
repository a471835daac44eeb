using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>
/// Whether a user grain's user is deleted, for its reads (its writes are refused by the shards themselves). Read once per
/// activation, at the first read; the user's deletion tells an active grain (<see cref="MarkDeleted"/>).
/// </summary>
internal sealed class DeletionCheck(EdgeStore store, UserId user)
{
    private bool? _deleted;

    public void MarkDeleted() => _deleted = true;

    /// <summary>Throws <see cref="UserDeletedException"/> when the user is deleted.</summary>
    public async Task EnsureNotDeletedAsync()
    {
        _deleted ??= await store.IsDeletedAsync(user);
        if (_deleted.Value)
        {
            throw UserDeletedException.Of(user);
        }
    }

    /// <summary><paramref name="read"/>, once the user is known not to be deleted.</summary>
    public async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        await EnsureNotDeletedAsync();
        return await read();
    }
}
